"""The safety module: every rule of what a live run may reach and change."""
