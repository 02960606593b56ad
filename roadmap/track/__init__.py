"""What the store tells: links, claims, status, history, and the overview joining them."""
