"""Speech engines, one module each, imported only when a show uses them."""
