"""The `autograd-core` command line and the ready-made digits data, models and training loop it uses.

A layer above the engine (`autograd_core`) and the layers (`nn`, `optim`): the engine never imports it.
"""
