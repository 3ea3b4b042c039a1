"""The live tier: apply snippets to a real cluster and wait until they work."""
