"""Registries of the mmengine scope ``harness``.

mmengine imports ``<scope>.registry`` when it switches to a scope, so this module's
name is fixed. Each registry is a child of mmengine's root registry, and ``locations``
lists the modules that register into it (imported on first build).
Register only swap points (detector, encoder, block, neck, head, assigner, loss,
dataset, transform, metric, hook, scheduler); layers use plain constructors.
"""

from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import TASK_UTILS as MMENGINE_TASK_UTILS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import Registry

SCOPE = "harness"

MODELS = Registry(
    "model", parent=MMENGINE_MODELS, scope=SCOPE, locations=["models", "baselines"]
)
DATASETS = Registry(
    "dataset", parent=MMENGINE_DATASETS, scope=SCOPE, locations=["datasets.registered"]
)
TRANSFORMS = Registry(
    "transform", parent=MMENGINE_TRANSFORMS, scope=SCOPE, locations=["datasets.transforms"]
)
FUNCTIONS = Registry(
    "function", parent=MMENGINE_FUNCTIONS, scope=SCOPE, locations=["datasets.registered"]
)
DATA_SAMPLERS = Registry(
    "data sampler", parent=MMENGINE_DATA_SAMPLERS, scope=SCOPE, locations=["datasets.registered"]
)
METRICS = Registry(
    "metric", parent=MMENGINE_METRICS, scope=SCOPE, locations=["harness.metrics.tal_map"]
)
HOOKS = Registry("hook", parent=MMENGINE_HOOKS, scope=SCOPE, locations=["harness.hooks"])
LOOPS = Registry("loop", parent=MMENGINE_LOOPS, scope=SCOPE, locations=["harness.loops"])
PARAM_SCHEDULERS = Registry(
    "parameter scheduler",
    parent=MMENGINE_PARAM_SCHEDULERS,
    scope=SCOPE,
    locations=["harness.schedulers"],
)
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    "optimizer wrapper constructor",
    parent=MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS,
    scope=SCOPE,
    locations=["harness.optim"],
)
TASK_UTILS = Registry(
    "task util", parent=MMENGINE_TASK_UTILS, scope=SCOPE, locations=["models"]
)
