"""Role guards for views. Deny by default.

Every page needs a login (Django's LoginRequiredMiddleware); pages for one
role add one of these decorators. Objects are fetched through the scoped
selectors in people.selectors, so someone else's object answers 404.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from people.selectors import roles_for


def _role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(roles_for(request.user)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


manager_required = _role_required(lambda r: r.is_manager)
hr_required = _role_required(lambda r: r.is_hr or r.is_admin)
ld_required = _role_required(lambda r: r.is_ld or r.is_admin)
admin_required = _role_required(lambda r: r.is_admin)
person_required = _role_required(lambda r: r.is_employee)
