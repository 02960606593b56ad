"""`roadmap report`: gathered from the store, then rendered as Markdown, HTML, JSON or text."""
