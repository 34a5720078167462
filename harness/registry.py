"""Registries of the mmengine scope ``harness``.

mmengine imports ``<scope>.registry`` when it switches to a scope, so this module's
name is fixed. Each registry is a child of mmengine's root registry, and ``locations``
lists the modules that register into it (imported on first build).
Register only swap points (detector, encoder, block, neck, head, assigner, loss,
dataset, transform, metric, hook, scheduler); layers use plain constructors.

Every other root registry the Runner builds from (optimizer, optimizer wrapper, visualizer,
vis backend, log processor, model wrapper, evaluator, weight initializer, ...) has an empty
child here too: mmengine looks a type up in the child of the current scope first and logs
'Failed to search registry with scope "harness"' when that child does not exist. Their
entries come from the parent (mmengine), so ``optimizer=dict(type='AdamW')`` or
``vis_backends=[dict(type='TensorboardVisBackend')]`` work unchanged.
"""

from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import INFERENCERS as MMENGINE_INFERENCERS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import RUNNER_CONSTRUCTORS as MMENGINE_RUNNER_CONSTRUCTORS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import STRATEGIES as MMENGINE_STRATEGIES
from mmengine.registry import TASK_UTILS as MMENGINE_TASK_UTILS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
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

# children with no harness entries (see the module docstring): names resolve in mmengine
OPTIMIZERS = Registry("optimizer", parent=MMENGINE_OPTIMIZERS, scope=SCOPE)
OPTIM_WRAPPERS = Registry("optim_wrapper", parent=MMENGINE_OPTIM_WRAPPERS, scope=SCOPE)
VISUALIZERS = Registry("visualizer", parent=MMENGINE_VISUALIZERS, scope=SCOPE)
VISBACKENDS = Registry("vis_backend", parent=MMENGINE_VISBACKENDS, scope=SCOPE)
LOG_PROCESSORS = Registry("log_processor", parent=MMENGINE_LOG_PROCESSORS, scope=SCOPE)
MODEL_WRAPPERS = Registry("model_wrapper", parent=MMENGINE_MODEL_WRAPPERS, scope=SCOPE)
EVALUATOR = Registry("evaluator", parent=MMENGINE_EVALUATOR, scope=SCOPE)
WEIGHT_INITIALIZERS = Registry(
    "weight initializer", parent=MMENGINE_WEIGHT_INITIALIZERS, scope=SCOPE
)
RUNNERS = Registry("runner", parent=MMENGINE_RUNNERS, scope=SCOPE)
RUNNER_CONSTRUCTORS = Registry(
    "runner constructor", parent=MMENGINE_RUNNER_CONSTRUCTORS, scope=SCOPE
)
STRATEGIES = Registry("strategy", parent=MMENGINE_STRATEGIES, scope=SCOPE)
INFERENCERS = Registry("inferencer", parent=MMENGINE_INFERENCERS, scope=SCOPE)
