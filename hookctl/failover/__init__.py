"""GCS failover: key checks, bucket probes, listing and replay."""
