"""Label assignment (registered in ``TASK_UTILS``)."""

from models.assigners.center_sampling import CenterSamplingAssigner, label_points

__all__ = ["CenterSamplingAssigner", "label_points"]
