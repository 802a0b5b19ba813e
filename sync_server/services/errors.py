"""Errors of the service layer, independent of HTTP."""


class ServiceError(Exception):
    """Base class: the message is safe to show to the person who asked."""


class NotFound(ServiceError):
    pass


class Forbidden(ServiceError):
    pass


class InvalidTransition(ServiceError):
    pass


class InvalidInput(ServiceError):
    pass
