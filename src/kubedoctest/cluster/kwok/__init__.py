"""kwok: a real control plane with simulated nodes (no containers run)."""
