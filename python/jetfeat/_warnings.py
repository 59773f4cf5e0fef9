"""Warning classes, so users can filter jetfeat's warnings precisely."""


class JetfeatWarning(UserWarning):
    """Base class of every warning jetfeat emits."""


class PerformanceWarning(JetfeatWarning):
    """A request runs correctly but much slower than it could (for example an O(M^4) graph)."""


class PhysicsWarning(JetfeatWarning):
    """A result is defined but physically questionable (for example an IRC-unsafe choice)."""
