"""existing: a cluster the user names with a kubeconfig and a context."""
