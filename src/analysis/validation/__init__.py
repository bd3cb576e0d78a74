"""Human validation of topics and their labels (issue 18).

Workflow: :func:`make_tasks` → :func:`write_form` (one offline HTML file) →
coders return JSON/CSV answers → :func:`read_answers` → :func:`score`.
Task designs follow Chang et al. (2009), "Reading tea leaves: how humans
interpret topic models", and Ying, Montgomery & Stewart (2022), "Topics,
concepts, and measurement: a crowdsourced procedure for validating topics as
measures", *Political Analysis*. Command line: ``python -m analysis validate``.
"""

from .answers import AnswersError, PartialAnswersWarning, read_answers
from .form import write_form
from .model import TopicModelView, read_topic_results
from .params import KINDS, ValidationParams, validation_params
from .scores import Scores, score
from .simulate import simulate_answers, write_answer_files
from .tasks import make_tasks

__all__ = ["KINDS", "AnswersError", "PartialAnswersWarning", "Scores", "TopicModelView",
           "ValidationParams", "make_tasks", "read_answers", "read_topic_results", "score",
           "simulate_answers", "validation_params", "write_answer_files", "write_form"]
