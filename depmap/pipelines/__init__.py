"""Project-level linkers for data-pipeline tools (dbt): pure functions of every file's facts."""
