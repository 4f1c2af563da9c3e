"""Demo data only: the org chart and course catalog of the seed story (no logic here)."""

from people.models import HR_GROUP, LD_GROUP

DEMO_PASSWORD = "skillbridge-demo"  # noqa: S105 -- printed for the demo, not a secret
ADMIN_EMAIL = "admin@example.com"

ENGINEERING, SALES, SUPPORT, MARKETING, HR = "Engineering", "Sales", "Customer Support", "Marketing", "HR"
EXECUTIVE = "Executive"

# Rows of the org chart CSV, in people.importer.COLUMNS order: employee number,
# name, e-mail, manager's employee number, department, job title, active.
# fmt: off
PEOPLE = [
    ("E0001", "Margaret Ellis", "margaret.ellis@example.com", "", EXECUTIVE, "Chief Executive Officer", "yes"),
    # Engineering: Kate's team, with Priya's team below it.
    ("E0002", "Kate Morgan", "kate@example.com", "E0001", ENGINEERING, "Head of Engineering", "yes"),
    ("E0003", "Brian Walsh", "brian@example.com", "E0002", ENGINEERING, "Senior Engineer", "yes"),
    ("E0004", "Greg Novak", "greg@example.com", "E0002", ENGINEERING, "Engineer", "yes"),
    ("E0005", "Priya Shah", "priya.shah@example.com", "E0002", ENGINEERING, "Team Lead", "yes"),
    ("E0006", "Marcus Reid", "marcus.reid@example.com", "E0002", ENGINEERING, "Site Reliability Engineer", "yes"),
    ("E0007", "Yuki Tanaka", "yuki.tanaka@example.com", "E0002", ENGINEERING, "Product Designer", "yes"),
    ("E0008", "Ivan Petrov", "ivan.petrov@example.com", "E0002", ENGINEERING, "Data Engineer", "yes"),
    ("E0009", "Tom Becker", "tom.becker@example.com", "E0005", ENGINEERING, "Engineer", "yes"),
    ("E0010", "Aisha Okafor", "aisha.okafor@example.com", "E0005", ENGINEERING, "Senior Engineer", "yes"),
    ("E0011", "Daniel Kim", "daniel.kim@example.com", "E0005", ENGINEERING, "Engineer", "yes"),
    ("E0012", "Sofia Rossi", "sofia.rossi@example.com", "E0005", ENGINEERING, "QA Engineer", "yes"),
    # Sales
    ("E0013", "James O'Connor", "james.oconnor@example.com", "E0001", SALES, "Head of Sales", "yes"),
    ("E0014", "Olivia Grant", "olivia.grant@example.com", "E0013", SALES, "Sales Manager", "yes"),
    ("E0015", "Ethan Brooks", "ethan.brooks@example.com", "E0014", SALES, "Account Executive", "yes"),
    ("E0016", "Nadia Haddad", "nadia.haddad@example.com", "E0014", SALES, "Sales Development Representative", "yes"),
    ("E0017", "Amelia Hughes", "amelia.hughes@example.com", "E0014", SALES, "Account Executive", "yes"),
    ("E0018", "Lucas Fernandes", "lucas.fernandes@example.com", "E0013", SALES, "Key Account Manager", "yes"),
    ("E0019", "Chloe Bennett", "chloe.bennett@example.com", "E0013", SALES, "Sales Operations Analyst", "yes"),
    # Customer Support
    ("E0020", "Rachel Adams", "rachel.adams@example.com", "E0001", SUPPORT, "Head of Customer Support", "yes"),
    ("E0021", "Samuel Osei", "samuel.osei@example.com", "E0020", SUPPORT, "Support Team Lead", "yes"),
    ("E0022", "Emily Carter", "emily.carter@example.com", "E0021", SUPPORT, "Support Specialist", "yes"),
    ("E0023", "Jack Turner", "jack.turner@example.com", "E0021", SUPPORT, "Support Specialist", "yes"),
    ("E0024", "Mei Lin", "mei.lin@example.com", "E0021", SUPPORT, "Technical Support Engineer", "yes"),
    ("E0025", "Kofi Mensah", "kofi.mensah@example.com", "E0021", SUPPORT, "Support Specialist", "yes"),
    ("E0026", "Harriet Cole", "harriet.cole@example.com", "E0020", SUPPORT, "Customer Success Manager", "yes"),
    ("E0027", "Omar Farouk", "omar.farouk@example.com", "E0020", SUPPORT, "Customer Success Manager", "yes"),
    # Marketing
    ("E0028", "Laura Jensen", "laura.jensen@example.com", "E0001", MARKETING, "Head of Marketing", "yes"),
    ("E0029", "Ben Foster", "ben.foster@example.com", "E0028", MARKETING, "Content Marketing Manager", "yes"),
    ("E0030", "Zara Ahmed", "zara.ahmed@example.com", "E0028", MARKETING, "Product Marketing Manager", "yes"),
    ("E0031", "Noah Williams", "noah.williams@example.com", "E0028", MARKETING, "Digital Marketing Specialist", "yes"),
    ("E0032", "Isabel Moreno", "isabel.moreno@example.com", "E0028", MARKETING, "Graphic Designer", "yes"),
    ("E0033", "Ryan Patel", "ryan.patel@example.com", "E0028", MARKETING, "Marketing Operations Analyst", "yes"),
    # HR, with L&D in it
    ("E0034", "David Clarke", "david.clarke@example.com", "E0001", HR, "Head of People", "yes"),
    ("E0035", "Hannah Price", "hannah@example.com", "E0034", HR, "HR Business Partner", "yes"),
    ("E0036", "Lisa Chen", "lisa@example.com", "E0034", HR, "Learning & Development Partner", "yes"),
    ("E0037", "Grace Liu", "grace.liu@example.com", "E0034", HR, "Talent Acquisition Partner", "yes"),
    ("E0038", "Alex Murphy", "alex.murphy@example.com", "E0034", HR, "HR Coordinator", "yes"),
    ("E0039", "Fatima Noor", "fatima.noor@example.com", "E0034", HR, "Payroll & Benefits Specialist", "yes"),
    ("E0040", "Chris Doyle", "chris.doyle@example.com", "E0013", SALES, "Account Executive", "no"),
]
# fmt: on

# The people who log in to the demo: (role shown, e-mail, group or None).
LOGINS = [
    ("Manager (head of Engineering)", "kate@example.com", None),
    ("Employee (wants to be team lead)", "brian@example.com", None),
    ("Employee", "greg@example.com", None),
    ("L&D", "lisa@example.com", LD_GROUP),
    ("HR", "hannah@example.com", HR_GROUP),
]


def _course(code, title, fmt, minutes, cost, provider, description, *, url=True, active=True):
    return {
        "code": code,
        "title": title,
        "description": description,
        "provider": provider,
        "format": fmt,
        "duration_minutes": minutes,
        "cost": cost,
        "currency": "GBP",
        "language": "en",
        "url": f"https://learning.example.com/courses/{code}" if url else "",
        "is_self_paced": fmt in {"video", "microlearning", "elearning", "reading"},
        "is_active": active,
    }


_INTERNAL = "Internal L&D"
_MEDIA = "Media Partners"
_BRIGHT = "Brightline Training"
_NORTH = "Northwind Coaching"
_CLEAR = "Clearview Learning"
_HARBOUR = "Harbour Leadership Institute"

# fmt: off
COURSES = [
    # Communication
    _course("comm-clear-writing", "Writing Clear Work E-mails", "elearning", 45, "0.00", _CLEAR,
            "Structure e-mails and chat messages so the reader knows what you need and by when."),
    _course("comm-speak-up", "Speaking Up in Meetings", "microlearning", 10, "0.00", _MEDIA,
            "Short lessons on voicing disagreement and ideas early, without dominating the room."),
    _course("comm-active-listening", "Active Listening at Work", "video", 20, "25.00", _MEDIA,
            "Recognise when you are waiting to talk instead of listening, and practise summarising back."),
    _course("comm-difficult-conversations", "Difficult Conversations", "workshop", 240, "450.00", _BRIGHT,
            "A half-day practice workshop: prepare, open and stay in a hard conversation.", url=False),
    # Presenting
    _course("pres-confident-presenting", "Presenting with Confidence", "instructor_led", 900, "1450.00", _HARBOUR,
            "Two days of rehearsal with video playback for people who get nervous in front of a group."),
    _course("pres-five-minute-update", "The Five-Minute Project Update", "microlearning", 5, "0.00", _INTERNAL,
            "A repeatable shape for short status updates: where we are, what is at risk, what I need."),
    _course("pres-storytelling-data", "Storytelling with Data", "elearning", 90, "79.00", _CLEAR,
            "Turn numbers into a clear message for non-specialist audiences."),
    _course("pres-lunch-demo-day", "Demo Day: Showing Your Work", "lunch_and_learn", 60, "0.00", _INTERNAL,
            "Colleagues show a piece of work in ten minutes and get friendly feedback.", url=False),
    # Collaboration
    _course("collab-cross-team", "Working Across Teams", "elearning", 60, "49.00", _CLEAR,
            "Agree shared goals, hand-offs and decision rights with teams you do not manage."),
    _course("collab-remote-teams", "Collaboration in Hybrid Teams", "video", 30, "25.00", _MEDIA,
            "Habits that keep remote and office colleagues equally informed and involved."),
    _course("collab-psych-safety", "Building Psychological Safety", "workshop", 180, "380.00", _BRIGHT,
            "Practical ways a team makes it safe to raise problems and admit mistakes.", url=False),
    # Feedback
    _course("fb-giving-feedback", "Giving Feedback that Lands", "video", 25, "25.00", _MEDIA,
            "The situation–behaviour–impact model, with examples of praise and of correction."),
    _course("fb-receiving-feedback", "Receiving Feedback Well", "microlearning", 8, "0.00", _INTERNAL,
            "Listen, ask, thank, decide: what to do when feedback stings."),
    _course("fb-feedback-culture", "Feedback Habits for Teams", "lunch_and_learn", 45, "0.00", _INTERNAL,
            "An informal session on making feedback a weekly habit rather than a yearly event.", url=False),
    # Delegation
    _course("deleg-essentials", "Delegation Essentials for New Leads", "elearning", 60, "59.00", _CLEAR,
            "What to delegate, to whom, with how much guidance, and how to follow up without micromanaging."),
    _course("deleg-letting-go", "Letting Go: From Doer to Leader", "workshop", 420, "650.00", _HARBOUR,
            "A one-day workshop for strong individual contributors moving into their first lead role.", url=False),
    # Project leadership
    _course("proj-leading-projects", "Leading Your First Project", "instructor_led", 840, "1200.00", _HARBOUR,
            "Two days on scoping, planning, risks and running a small team through delivery."),
    _course("proj-kickoff", "Running a Good Project Kick-off", "video", 15, "19.00", _MEDIA,
            "Agree goals, roles and ways of working in the first meeting."),
    _course("proj-stakeholders", "Managing Stakeholders", "elearning", 75, "69.00", _CLEAR,
            "Map who cares about your project, what they need to hear and when."),
    # Time management
    _course("time-priorities", "Prioritising When Everything Is Urgent", "microlearning", 10, "0.00", _INTERNAL,
            "A two-by-two for urgent and important work, and how to say no politely."),
    _course("time-deep-work", "Protecting Focus Time", "reading", 30, "0.00", _INTERNAL,
            "A short reading pack on planning the week, batching meetings and reducing interruptions."),
    _course("time-meetings", "Meetings Worth Having", "video", 20, "19.00", _MEDIA,
            "Agendas, time boxes and clear outcomes for shorter, fewer meetings."),
    # Conflict resolution
    _course("conflict-resolution", "Resolving Conflict at Work", "instructor_led", 420, "590.00", _BRIGHT,
            "A one-day course on spotting conflict early and mediating between colleagues."),
    _course("conflict-everyday", "Everyday Disagreements", "elearning", 40, "39.00", _CLEAR,
            "Disagree about the work without making it personal."),
    # Coaching
    _course("coach-manager-as-coach", "The Manager as Coach", "workshop", 420, "720.00", _NORTH,
            "Use the GROW model in one-to-ones so your reports solve problems themselves.", url=False),
    _course("coach-one-to-one", "One-to-one Coaching (6 sessions)", "coaching", 360, "1500.00", _NORTH,
            "Six one-hour sessions with an accredited coach, on goals agreed with your manager.", url=False),
    _course("coach-peer-mentoring", "Peer Mentoring Programme", "mentoring", 480, "0.00", _INTERNAL,
            "Monthly conversations for six months with an experienced colleague from another team.", url=False),
    # Emotional intelligence
    _course("ei-foundations", "Emotional Intelligence Foundations", "elearning", 60, "49.00", _CLEAR,
            "Self-awareness, self-regulation, empathy and social skills, with a self-check."),
    _course("ei-stress", "Staying Calm Under Pressure", "video", 15, "19.00", _MEDIA,
            "Notice your stress signals and respond rather than react."),
    # Adaptability
    _course("adapt-change", "Thriving Through Change", "lunch_and_learn", 60, "0.00", _INTERNAL,
            "How teams keep delivering through reorganisations and new priorities.", url=False),
    _course("adapt-growth-mindset", "A Growth Mindset at Work", "reading", 20, "0.00", _INTERNAL,
            "A short reading pack on learning from setbacks and trying new approaches."),
    _course("adapt-legacy-skills", "Leading Change (retired)", "instructor_led", 420, "500.00", _BRIGHT,
            "Replaced by Thriving Through Change; kept for the history of past plans.", active=False),
]
# fmt: on

# Role profiles (assessments/rubric_data.py keys) by job title, and who aims higher.
PROFILE_BY_TITLE = {
    "Engineer": "engineer",
    "Senior Engineer": "engineer",
    "Site Reliability Engineer": "engineer",
    "Data Engineer": "engineer",
    "QA Engineer": "engineer",
    "Product Designer": "engineer",
    "Team Lead": "team-lead",
    "Head of Engineering": "engineering-manager",
    "Account Executive": "sales-rep",
    "Sales Development Representative": "sales-rep",
    "Key Account Manager": "sales-rep",
    "Sales Operations Analyst": "sales-rep",
    "Sales Manager": "sales-team-lead",
    "Head of Sales": "sales-team-lead",
    "Support Specialist": "support-agent",
    "Technical Support Engineer": "support-agent",
    "Customer Success Manager": "support-agent",
    "Support Team Lead": "support-team-lead",
    "Head of Customer Support": "support-team-lead",
    "Head of Marketing": "marketing-specialist",
    "Content Marketing Manager": "marketing-specialist",
    "Product Marketing Manager": "marketing-specialist",
    "Digital Marketing Specialist": "marketing-specialist",
    "Graphic Designer": "marketing-specialist",
    "Marketing Operations Analyst": "marketing-specialist",
    "Head of People": "hr-partner",
    "HR Business Partner": "hr-partner",
    "Learning & Development Partner": "hr-partner",
    "Talent Acquisition Partner": "hr-partner",
    "HR Coordinator": "hr-partner",
    "Payroll & Benefits Specialist": "hr-partner",
}
TARGET_PROFILES = {"brian@example.com": "team-lead", "greg@example.com": "team-lead"}

# The skills each demo course builds: code → [(skill key, from level, to level)].
COURSE_SKILLS = {
    "comm-clear-writing": [("written-communication", 1, 3)],
    "comm-speak-up": [("verbal-communication", 1, 2)],
    "comm-active-listening": [("interpersonal-skills", 1, 3), ("verbal-communication", 2, 3)],
    "comm-difficult-conversations": [("conflict-resolution", 2, 3), ("feedback", 2, 3)],
    "pres-confident-presenting": [("presenting", 1, 3)],
    "pres-five-minute-update": [("presenting", 1, 2)],
    "pres-storytelling-data": [("presenting", 2, 3), ("written-communication", 2, 3)],
    "pres-lunch-demo-day": [("presenting", 1, 2)],
    "collab-cross-team": [("collaboration", 1, 3)],
    "collab-remote-teams": [("collaboration", 1, 2)],
    "collab-psych-safety": [("collaboration", 2, 4), ("emotional-intelligence", 2, 3)],
    "fb-giving-feedback": [("feedback", 1, 3)],
    "fb-receiving-feedback": [("feedback", 1, 2)],
    "fb-feedback-culture": [("feedback", 2, 3)],
    "deleg-essentials": [("delegation", 1, 3)],
    "deleg-letting-go": [("delegation", 2, 4)],
    "proj-leading-projects": [("project-leadership", 1, 3), ("delegation", 1, 2)],
    "proj-kickoff": [("project-leadership", 1, 2)],
    "proj-stakeholders": [("project-leadership", 2, 3)],
    "time-priorities": [("time-management", 1, 2)],
    "time-deep-work": [("time-management", 1, 3)],
    "time-meetings": [("time-management", 2, 3)],
    "conflict-resolution": [("conflict-resolution", 1, 3)],
    "conflict-everyday": [("conflict-resolution", 1, 2)],
    "coach-manager-as-coach": [("coaching", 1, 3)],
    "coach-one-to-one": [("coaching", 2, 4), ("emotional-intelligence", 2, 3)],
    "coach-peer-mentoring": [("coaching", 1, 2)],
    "ei-foundations": [("emotional-intelligence", 1, 3)],
    "ei-stress": [("emotional-intelligence", 1, 2), ("adaptability", 1, 2)],
    "adapt-change": [("adaptability", 1, 3)],
    "adapt-growth-mindset": [("adaptability", 1, 2)],
    "adapt-legacy-skills": [("adaptability", 2, 3)],
}

# Assessments already made before the demo starts, so that L&D's demand view and
# the team pages have something to show. Brian and Greg are left for Kate to assess.
# e-mail → {skill key: observed level (1-4)}; the assessor is the person's manager.
PAST_ASSESSMENTS = {
    "priya.shah@example.com": {"delegation": 2, "feedback": 2, "coaching": 1, "conflict-resolution": 3},
    "marcus.reid@example.com": {"written-communication": 2, "collaboration": 3, "presenting": 1, "time-management": 2},
    "yuki.tanaka@example.com": {"presenting": 2, "written-communication": 3, "feedback": 2, "collaboration": 4},
    "ivan.petrov@example.com": {"written-communication": 1, "presenting": 1, "collaboration": 3, "adaptability": 2},
    "tom.becker@example.com": {"written-communication": 2, "collaboration": 2, "presenting": 1, "adaptability": 3},
    "aisha.okafor@example.com": {"written-communication": 3, "presenting": 2, "feedback": 2, "collaboration": 3},
    "daniel.kim@example.com": {"written-communication": 2, "time-management": 1, "collaboration": 3},
    "olivia.grant@example.com": {"delegation": 1, "coaching": 2, "feedback": 2, "conflict-resolution": 2},
    "ethan.brooks@example.com": {"verbal-communication": 2, "presenting": 3, "emotional-intelligence": 2},
    "nadia.haddad@example.com": {"interpersonal-skills": 1, "written-communication": 2, "adaptability": 2},
    "samuel.osei@example.com": {"delegation": 2, "coaching": 1, "conflict-resolution": 2, "feedback": 3},
    "emily.carter@example.com": {"emotional-intelligence": 2, "conflict-resolution": 1, "interpersonal-skills": 2},
    "jack.turner@example.com": {"emotional-intelligence": 3, "conflict-resolution": 2, "time-management": 1},
    # Managers need soft skills too; some of these gaps have no course yet (L&D's uncovered demand).
    "kate@example.com": {"feedback": 3, "conflict-resolution": 3, "delegation": 3, "coaching": 4},
    "rachel.adams@example.com": {"conflict-resolution": 3, "feedback": 3, "coaching": 2},
    "ben.foster@example.com": {"presenting": 2, "collaboration": 3, "adaptability": 2},
}

# Development plans in the demo: Priya's is under way, Kate's own waits for her to confirm it,
# Marcus's is a fresh draft. Brian and Greg have none: Kate starts by assessing them.
PLAN_STORIES = {
    "priya.shah@example.com": "active",
    "kate@example.com": "awaiting",
    "marcus.reid@example.com": "draft",
}

# A safe-to-fail practice assignment for the first goal of each demo plan, by skill key.
PRACTICE = {
    "coaching": "Coach one engineer through their next design review instead of reviewing it yourself",
    "delegation": "Hand the next release plan to the team and only answer questions",
    "presenting": "Present the on-call review at the Friday engineering meeting",
    "written-communication": "Write the incident summary for the next outage and ask two readers for comments",
    "conflict-resolution": "Chair the next prioritisation meeting where teams disagree",
    "feedback": "Give each report one piece of specific feedback a week for four weeks",
}
