"""Feature datasets, loaders, transforms and the synthetic benchmark.

Note: this package shadows Hugging Face's ``datasets`` inside the project's environment.
"""
