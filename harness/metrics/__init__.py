"""Evaluation: ActivityNet-style detection mAP (pure functions) and its mmengine metric."""
