"""The numerical core: every formula of skmlq, on inputs it trusts.

No module here validates user input (``skmlq.utils._validation`` does, at the
boundary) or knows where the rows live (``skmlq._backends``). See the map in the
docstring of ``skmlq``.
"""
