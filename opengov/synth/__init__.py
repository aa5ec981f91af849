"""Deterministic generators for the synthetic sample datasets under ``datasets/``."""
