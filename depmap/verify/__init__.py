"""`depmap verify`: prove a schema change on a real, throwaway database."""
