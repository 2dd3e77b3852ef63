"""One module a rule; the module name is the rule id in snake_case, its docstring the rule's documentation."""
