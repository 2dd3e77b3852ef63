"""Business workflows that span several repositories."""
