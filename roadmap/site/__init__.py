"""The published site: gathered, rendered, written incrementally, and served."""
