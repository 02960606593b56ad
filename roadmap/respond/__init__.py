"""Answers on GitHub: `roadmap claim`, `roadmap respond`, the webhook receiver and housekeeping."""
