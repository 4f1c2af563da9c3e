"""A large synthetic org chart for benchmarks and load tests.

Its people have employee numbers S0000001, S0000002, … and e-mails at
scale.example.com, so they never clash with a real or demo org chart. Building
it again replaces the previous one. Everything is written with bulk inserts:
users first, then people one management level at a time, so each level knows
its managers' ids.
"""

import random
from collections import deque
from dataclasses import dataclass, field
from itertools import groupby

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import Department, Person

User = get_user_model()

DOMAIN = "scale.example.com"
PASSWORD = "skillbridge-scale"  # noqa: S105 -- printed for load tests, not a secret
MIN_PEOPLE = 100
BATCH = 2000
REPORTS_PER_MANAGER = (6, 10)

DEPARTMENTS = {
    "Scale Engineering": ["Engineer", "Senior Engineer", "QA Engineer", "Data Engineer"],
    "Scale Sales": ["Account Executive", "Sales Development Representative", "Account Manager"],
    "Scale Customer Support": ["Support Specialist", "Technical Support Engineer", "Customer Success Manager"],
    "Scale Marketing": ["Marketing Specialist", "Content Writer", "Designer"],
    "Scale Operations": ["Operations Analyst", "Logistics Coordinator", "Facilities Officer"],
    "Scale Finance": ["Accountant", "Financial Analyst", "Payroll Specialist"],
    "Scale Product": ["Product Manager", "Product Designer", "User Researcher"],
    "Scale People": ["HR Partner", "Recruiter", "Learning Specialist"],
}
MANAGER_TITLES = {2: "Director", 3: "Senior Manager", 4: "Manager"}  # deeper managers are team leads
_FIRST = (
    "Aaron Abigail Adam Aisha Alice Amir Ana Ben Carla Chen Chloe Daniel David Elena Emma Ethan Fatima Felix "
    "Grace Hannah Hugo Isla Ivan Jack James Jasmine Kai Kate Leo Lina Lucas Maya Mei Mohammed Nadia Noah Olivia "
    "Omar Priya Rachel Ryan Sam Sara Sofia Tom Uma Victor Yuki Zara Zoe"
)
_LAST = (
    "Adams Ahmed Baker Becker Brown Carter Chen Clarke Cole Davies Diaz Evans Fischer Foster Garcia Green Hall "
    "Hughes Jensen Johnson Kaur Khan Kim Lee Lopez Martin Mensah Moreno Murphy Nguyen Novak Okafor Patel Petrov "
    "Price Reid Rossi Schmidt Shah Silva Singh Smith Tanaka Taylor Turner Walsh Wang Williams Wilson Wright"
)
FIRST_NAMES, LAST_NAMES = _FIRST.split(), _LAST.split()


@dataclass
class _Node:
    """One planned person: an index into the plan and their manager's index."""

    index: int
    manager: int | None
    depth: int
    department: str | None
    reports: list[int] = field(default_factory=list)


def number(index: int) -> str:
    return f"S{index + 1:07d}"


def email(index: int) -> str:
    return f"{number(index).lower()}@{DOMAIN}"


def scale_users():
    """The accounts of the scale org."""
    return User.objects.filter(username__endswith=f"@{DOMAIN}")


@transaction.atomic
def build_scale_org(*, people: int, seed: int = 1) -> dict:
    """Replace the scale org with a new one of `people` people; returns a summary.

    The summary has the number of people deleted and created, the departments,
    the depth, and two logins with a known password: the head of the first
    department (a deep chain) and a line manager in that department.
    """
    if people < MIN_PEOPLE:
        raise ValueError(f"A scale org needs at least {MIN_PEOPLE} people.")
    rng = random.Random(seed)  # noqa: S311 -- synthetic data, not security
    deleted = delete_scale_org()
    nodes = plan_tree(people=people, rng=rng)
    logins = _login_nodes(nodes)
    _insert(nodes, rng=rng, known_passwords={node.index for node, _ in logins})
    return {
        "deleted": deleted,
        "people": len(nodes),
        "departments": len(DEPARTMENTS),
        "levels": nodes[-1].depth + 1,
        "password": PASSWORD,
        "logins": [
            {"role": role, "email": email(node.index), "reports": len(node.reports), "chain": _chain_size(nodes, node)}
            for node, role in logins
        ],
    }


@transaction.atomic
def delete_scale_org() -> int:
    """Delete the previous scale org's accounts and, with them, its people; returns how many people went."""
    count = Person.objects.filter(user__in=scale_users()).count()
    scale_users().delete()
    return count


def plan_tree(*, people: int, rng: random.Random) -> list[_Node]:
    """The org chart, breadth first: one chief, a head per department, then 6-10 reports per manager."""
    nodes = [_Node(index=0, manager=None, depth=0, department=None)]
    for name in DEPARTMENTS:
        nodes.append(_Node(index=len(nodes), manager=0, depth=1, department=name))
    nodes[0].reports = [node.index for node in nodes[1:]]
    waiting = deque(nodes[1:])
    while len(nodes) < people:
        manager = waiting.popleft()
        for _ in range(min(rng.randint(*REPORTS_PER_MANAGER), people - len(nodes))):
            node = _Node(
                index=len(nodes), manager=manager.index, depth=manager.depth + 1, department=manager.department
            )
            nodes.append(node)
            manager.reports.append(node.index)
            waiting.append(node)
    return nodes


def _login_nodes(nodes: list[_Node]) -> list[tuple[_Node, str]]:
    """The head of the first department, and the first manager in it whose reports manage no one."""
    head = nodes[1]
    line_manager = next(
        node
        for node in nodes
        if node.department == head.department and node.reports and not any(nodes[i].reports for i in node.reports)
    )
    return [(head, "Head of department (deep chain)"), (line_manager, "Line manager")]


def _chain_size(nodes: list[_Node], top: _Node) -> int:
    below, waiting = 0, list(top.reports)
    while waiting:
        below += 1
        waiting.extend(nodes[waiting.pop()].reports)
    return below


def _title(node: _Node, rng: random.Random) -> str:
    if node.depth == 0:
        return "Chief Executive Officer"
    if node.depth == 1:
        return f"Head of {node.department.removeprefix('Scale ')}"
    if node.reports:
        return MANAGER_TITLES.get(node.depth, "Team Lead")
    return rng.choice(DEPARTMENTS[node.department])


def _insert(nodes: list[_Node], *, rng: random.Random, known_passwords: set[int]) -> None:
    Department.objects.bulk_create([Department(name=name) for name in DEPARTMENTS], ignore_conflicts=True)
    department_ids = dict(Department.objects.filter(name__in=DEPARTMENTS).values_list("name", "pk"))
    unusable, known = make_password(None), make_password(PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                username=email(n.index),
                email=email(n.index),
                password=known if n.index in known_passwords else unusable,
            )
            for n in nodes
        ],
        batch_size=BATCH,
    )
    person_ids: list[int | None] = [None] * len(nodes)
    for _, same_depth in groupby(nodes, key=lambda n: n.depth):
        level = list(same_depth)
        created = Person.objects.bulk_create(
            [
                Person(
                    user_id=users[n.index].pk,
                    employee_number=number(n.index),
                    full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    job_title=_title(n, rng),
                    department_id=department_ids.get(n.department),
                    manager_id=None if n.manager is None else person_ids[n.manager],
                )
                for n in level
            ],
            batch_size=BATCH,
        )
        for n, person in zip(level, created, strict=True):
            person_ids[n.index] = person.pk
