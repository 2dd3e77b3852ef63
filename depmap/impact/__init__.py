"""Impact of a proposed column: rules (one module each, listed in `registry.RULES`), the staged
rollout plan, and the engine that runs them over a project's index."""
