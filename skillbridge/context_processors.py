from people.selectors import roles_for


def roles(request):
    """The acting user's roles, for the navigation bar."""
    return {"roles": roles_for(request.user)}
