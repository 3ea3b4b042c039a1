"""runbook: the step lint (an allow-list of what a step may run) and running the steps in a sandbox."""
