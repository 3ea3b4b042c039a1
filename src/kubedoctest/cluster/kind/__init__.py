"""kind: a cluster of Docker containers with a real kubelet (full fidelity)."""
