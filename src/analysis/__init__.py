"""pingan-themes: analysis of 2024 Safe China (平安建设) / Fengqiao-experience texts.

One module per stage: ``corpus`` → ``units`` → ``segment`` → ``topics`` /
``cooccur`` → ``compare`` → ``figures``; ``reproduce`` runs them all from
``params.toml``; ``config`` holds paths and parameters.
"""

__version__ = "0.1.0"
