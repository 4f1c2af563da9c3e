"""Starting content for the soft-skills rubric and role profiles.

Plain data, no logic: each skill has a description, four level descriptors, next steps for a manager and a
short list of observable behaviours; each role profile sets the target level per skill for a job or career stage.

Levels are 1 Not yet, 2 Developing, 3 Proficient, 4 Role model.
Behaviour kinds are "warning" (signals a training need) and "strength" (signals the skill is there).
"""

SKILLS = [
    {
        "key": "written-communication",
        "name": "Written communication",
        "category": "Communication",
        "description": (
            "Writing emails, documents, tickets and messages that the reader can understand and act on first time."
        ),
        "levels": [
            "Writing is hard to follow or leaves out key facts, so readers have to come back with questions.",
            "Gets the main point across, but often buries it or leaves out context the reader needs.",
            "Writes clear, well-organised messages and documents that suit the reader and rarely need a follow-up.",
            "Writes documents others use as examples, and helps colleagues make their own writing clearer.",
        ],
        "next_steps": (
            "Suggest a short course on plain business writing. Then ask them to send you their next important email "
            "or document for feedback before it goes out."
        ),
        "behaviours": [
            ("warning", "Sends long messages where the request or decision is buried at the end"),
            ("warning", "Leaves out context, so readers have to reply asking what is meant"),
            ("warning", "Shares documents with obvious typos, broken links or unfinished sections"),
            ("strength", "Opens with the point or the request, then gives the detail"),
            ("strength", "Writes updates that someone new to the topic can follow without asking"),
        ],
    },
    {
        "key": "verbal-communication",
        "name": "Verbal communication",
        "category": "Communication",
        "description": (
            "Speaking clearly in meetings, calls and one-to-ones, and listening well enough to respond to what was "
            "actually said."
        ),
        "levels": [
            "Struggles to get a point across out loud, or talks over others and misses what they say.",
            "Explains things clearly when prepared, but rambles or goes quiet when the conversation is unplanned.",
            "Speaks clearly and to the point, checks they have been understood and listens before answering.",
            "Keeps discussions focused and clear for everyone, and draws out quieter people so all views are heard.",
        ],
        "next_steps": (
            "Book a session on active listening or speaking with confidence. Agree one meeting a week where they "
            "state their view out loud, and give them brief feedback afterwards."
        ),
        "behaviours": [
            ("warning", "Stays silent in meetings when they disagree"),
            ("warning", "Interrupts or finishes other people's sentences"),
            ("warning", "Answers questions with long, unfocused explanations that lose the listener"),
            ("strength", "Sums up what others said before giving their own view"),
            ("strength", "Raises concerns in the meeting itself, calmly and with a reason"),
        ],
    },
    {
        "key": "presenting",
        "name": "Presenting",
        "category": "Communication",
        "description": (
            "Speaking in public: explaining an idea, update or proposal to a group, in person or on a call, so the "
            "audience understands and remembers it."
        ),
        "levels": [
            "Avoids presenting, or gets so nervous that the message is lost.",
            "Can present prepared material to a familiar group, but reads from slides and struggles with questions.",
            "Presents with a clear structure suited to the audience, keeps to time and handles questions calmly.",
            "Presents with confidence to senior or unfamiliar audiences and changes course when the room needs it.",
        ],
        "next_steps": (
            "Arrange a presentation skills workshop. Then give them low-risk chances to practise, such as a "
            "five-minute update at the team meeting, with feedback from you after each one."
        ),
        "behaviours": [
            ("warning", "Gets visibly nervous and loses the thread when presenting to even a small group"),
            ("warning", "Reads slides word for word instead of talking to the audience"),
            ("warning", "Runs over time and never reaches the main message"),
            ("strength", "Opens with the key message and what they need from the audience"),
            ("strength", "Handles hard questions from the audience calmly and admits when they do not know"),
            ("strength", "Volunteers to present the team's work at wider meetings"),
        ],
    },
    {
        "key": "collaboration",
        "name": "Collaboration",
        "category": "Working with others",
        "description": (
            "Working with others towards a shared goal: sharing information, doing a fair share of the work and "
            "putting the team's result ahead of personal credit."
        ),
        "levels": [
            "Works alone, keeps information to themselves and misses what the team needs from them.",
            "Helps when asked and shares information, but rarely looks beyond their own tasks.",
            "Shares knowledge early, offers help without being asked and works well with other teams.",
            "Brings people from different teams together and makes joint work easier for everyone.",
        ],
        "next_steps": (
            "Pair them with someone from another team on a task with a shared deliverable, then talk through what "
            "worked and what did not. A teamwork course can support this."
        ),
        "behaviours": [
            ("warning", "Keeps work in progress to themselves until it is finished"),
            ("warning", "Turns down requests for help from other teams without offering an alternative"),
            ("warning", "Takes credit for joint work without naming the others involved"),
            ("strength", "Shares drafts early and asks others for input"),
            ("strength", "Offers help to colleagues who are falling behind, without being asked"),
        ],
    },
    {
        "key": "interpersonal-skills",
        "name": "Interpersonal skills",
        "category": "Working with others",
        "description": (
            "Building good working relationships by being approachable, respectful and reliable with colleagues, "
            "customers and partners."
        ),
        "levels": [
            "Comes across as distant or abrupt, and colleagues avoid approaching them.",
            "Gets on well with people they know, but finds it hard to build rapport with new or different people.",
            "Builds trust with a wide range of people and is someone colleagues are happy to approach.",
            "Builds strong relationships across the organisation and uses them to help others get things done.",
        ],
        "next_steps": (
            "Suggest a short course on building working relationships. Give them a task that needs regular contact "
            "with new people, such as looking after a new starter, and check in on how it went."
        ),
        "behaviours": [
            ("warning", "Comes across as curt or dismissive in messages and meetings"),
            ("warning", "Forgets small promises to colleagues, such as sending a link or a reply"),
            ("warning", "Talks only to the same small group of people at work"),
            ("strength", "Makes new colleagues and people from other teams feel welcome"),
            ("strength", "Remembers what matters to colleagues and follows up on it"),
        ],
    },
    {
        "key": "emotional-intelligence",
        "name": "Emotional intelligence",
        "category": "Managing yourself",
        "description": (
            "Noticing and managing their own emotions and reading how others feel, then using that to respond well, "
            "especially under pressure."
        ),
        "levels": [
            "Reacts to pressure or criticism in ways that upset others, and seems unaware of the effect.",
            "Notices their own reactions afterwards, but still lets stress or frustration show in the moment.",
            "Stays calm under pressure, picks up on how others are feeling and adjusts their approach.",
            "Steadies the team in tense moments and helps others understand and manage their own reactions.",
        ],
        "next_steps": (
            "Talk privately about a specific moment you saw and its effect on others. Then suggest an emotional "
            "intelligence course or coaching, and agree how they will pause before reacting."
        ),
        "behaviours": [
            ("warning", "Snaps at colleagues or withdraws when under pressure"),
            ("warning", "Misses clear signs that a colleague is upset or struggling"),
            ("warning", "Keeps pushing their point when others are clearly uncomfortable"),
            ("strength", "Stays calm and polite in a tense meeting or call"),
            ("strength", "Checks in privately with a colleague who seems stressed"),
            ("strength", "Says when they are frustrated and asks for time, rather than reacting straight away"),
        ],
    },
    {
        "key": "feedback",
        "name": "Giving and receiving feedback",
        "category": "Working with others",
        "description": (
            "Telling others what is working and what is not in a timely, specific and respectful way, and taking "
            "feedback without getting defensive."
        ),
        "levels": [
            "Avoids giving feedback, and reacts to feedback by arguing or shutting down.",
            "Gives feedback when asked but keeps it vague, and accepts feedback without always acting on it.",
            "Gives specific, balanced feedback soon after the event, and asks for and acts on feedback themselves.",
            "Builds a habit of open feedback in the team and handles difficult feedback conversations with care.",
        ],
        "next_steps": (
            "Suggest a short course on a simple feedback model (situation, behaviour, impact) and practise it "
            "together. Ask them to seek feedback from one colleague after their next piece of work."
        ),
        "behaviours": [
            ("warning", "Gets defensive or makes excuses when given feedback"),
            ("warning", "Says nothing when a colleague's work has a problem, then complains about it later"),
            ("warning", "Gives vague feedback such as 'good job' or 'needs work' with no example"),
            ("strength", "Gives feedback with a specific example and what effect it had"),
            ("strength", "Asks for feedback on their own work and says what they will change"),
            ("strength", "Gives praise in public and criticism in private"),
        ],
    },
    {
        "key": "delegation",
        "name": "Delegation",
        "category": "Leading",
        "description": (
            "Handing work to the right person with a clear outcome, the authority to do it and the right amount of "
            "support, then letting them get on with it."
        ),
        "levels": [
            "Does everything themselves, or hands work over without explaining what is needed.",
            "Delegates simple tasks, but gives unclear briefs or takes work back when it gets hard.",
            "Matches work to people's strengths and growth, gives clear briefs and checks in without micromanaging.",
            "Uses delegation to grow people, handing over real ownership and stepping in only when needed.",
        ],
        "next_steps": (
            "Agree one piece of work they will delegate this month. Go through the brief with them beforehand and "
            "review the handover afterwards; a delegation workshop or short course can help."
        ),
        "behaviours": [
            ("warning", "Works late on tasks that others in the team could do"),
            ("warning", "Hands over work without saying what a good result looks like or when it is due"),
            ("warning", "Redoes work they delegated instead of giving feedback on it"),
            ("strength", "Hands work over with a clear outcome, deadline and check-in point"),
            ("strength", "Gives stretch tasks to people who want to grow"),
            ("strength", "Lets the person choose how to do the work and backs their decisions"),
        ],
    },
    {
        "key": "project-leadership",
        "name": "Project leadership",
        "category": "Leading",
        "description": (
            "Planning and running a piece of work with other people: setting goals, organising tasks, tracking "
            "progress and keeping everyone informed until it is delivered."
        ),
        "levels": [
            "Starts work without a plan, so deadlines slip and people are unsure who is doing what.",
            "Can plan a small project, but loses track when things change or several people are involved.",
            "Plans and runs projects with clear goals, owners and milestones, and flags risks early.",
            "Leads complex, cross-team projects smoothly and helps others learn to run their own.",
        ],
        "next_steps": (
            "Suggest a project management basics course. Then give them a small, low-risk project to lead, with a "
            "simple plan you review together at the start and at each milestone."
        ),
        "behaviours": [
            ("warning", "Cannot say who owns which task or when the project will be done"),
            ("warning", "Raises problems only after a deadline has already been missed"),
            ("warning", "Lets meetings end without agreed actions or owners"),
            ("strength", "Breaks the work into tasks with owners and dates at the start"),
            ("strength", "Sends short, regular status updates that show progress and risks"),
        ],
    },
    {
        "key": "time-management",
        "name": "Time management",
        "category": "Managing yourself",
        "description": (
            "Planning and prioritising their own work so that important things get done on time without constant "
            "rushing."
        ),
        "levels": [
            "Often misses deadlines or works on the wrong things, and others have to chase them.",
            "Meets most deadlines, but often at the last minute and by putting off other work.",
            "Plans their week, puts the important work first and meets deadlines reliably.",
            "Manages competing demands calmly and helps the team plan and prioritise their time.",
        ],
        "next_steps": (
            "Go through their current workload together and agree priorities. Then suggest a short time management "
            "course and check in weekly for a month."
        ),
        "behaviours": [
            ("warning", "Says yes to every request, then cannot finish their own work on time"),
            ("warning", "Spends time on low-priority tasks while urgent work waits"),
            ("warning", "Arrives late or unprepared for meetings"),
            ("strength", "Plans the week ahead and starts with the most important task"),
            ("strength", "Blocks time in their calendar for focused work"),
        ],
    },
    {
        "key": "conflict-resolution",
        "name": "Conflict resolution",
        "category": "Working with others",
        "description": (
            "Dealing with disagreements openly and fairly, so that problems get solved and working relationships "
            "stay intact."
        ),
        "levels": [
            "Avoids disagreements until they blow up, or makes them personal.",
            "Can talk through a disagreement that affects them, but needs help when feelings run high.",
            "Raises disagreements early, listens to all sides and finds solutions people can accept.",
            "Helps others settle disputes fairly and turns tension into better decisions for the team.",
        ],
        "next_steps": (
            "Talk through a recent disagreement and what they could have done differently. Then suggest a conflict "
            "resolution course, and let them handle the next small disagreement in the team with your support."
        ),
        "behaviours": [
            ("warning", "Avoids a colleague after a disagreement instead of talking it through"),
            ("warning", "Criticises the person rather than the idea during a disagreement"),
            ("warning", "Takes sides in other people's disputes without hearing both sides"),
            ("strength", "Asks each side to explain their view before suggesting a way forward"),
            ("strength", "Looks for a solution both sides can live with"),
        ],
    },
    {
        "key": "coaching",
        "name": "Coaching others",
        "category": "Leading",
        "description": (
            "Helping other people improve by asking questions, sharing know-how and giving them room to try, "
            "rather than just giving them the answer."
        ),
        "levels": [
            "Gives answers or takes over instead of helping others learn.",
            "Shares know-how when asked, but tends to tell rather than help the person work it out.",
            "Regularly helps others grow through questions, examples and practice, and follows up on progress.",
            "Is sought out as a coach, builds others' skills on purpose and helps them coach in turn.",
        ],
        "next_steps": (
            "Suggest a coaching skills course, then ask them to mentor a newer colleague for a set period with a "
            "few agreed goals. Talk about how it is going at your one-to-ones."
        ),
        "behaviours": [
            ("warning", "Takes over when someone is stuck rather than helping them work it out"),
            ("warning", "Loses patience when explaining something for the second time"),
            ("warning", "Rarely makes time to help newer colleagues learn"),
            ("strength", "Asks questions that help someone find the answer themselves"),
            ("strength", "Follows up after helping someone to see how they got on"),
        ],
    },
    {
        "key": "adaptability",
        "name": "Adaptability",
        "category": "Managing yourself",
        "description": (
            "Coping well with change, new information and setbacks, and adjusting plans and ways of working "
            "without losing momentum."
        ),
        "levels": [
            "Resists changes to plans, tools or priorities and struggles to keep working when things shift.",
            "Accepts change once it is explained, but takes a while to adjust and needs support.",
            "Adjusts quickly to change, keeps working well and looks for what the change makes possible.",
            "Helps others through change and spots early when the team's approach needs to change.",
        ],
        "next_steps": (
            "Talk openly about the change they find difficult and why it is happening. Then give them a small new "
            "responsibility or tool to try, and suggest a short course on working through change."
        ),
        "behaviours": [
            ("warning", "Keeps using the old process after a change has been agreed"),
            ("warning", "Complains about new priorities rather than asking how to meet them"),
            ("warning", "Stops making progress when a plan changes until someone gives new instructions"),
            ("strength", "Tries new tools or ways of working and shares what they learn"),
            ("strength", "Adjusts their plan quickly when priorities change and tells the people affected"),
        ],
    },
]

ROLE_PROFILES = [
    {
        "key": "engineer",
        "name": "Engineer",
        "description": "Designs, builds and maintains products as a member of an engineering team.",
        "next": "team-lead",
        "targets": {
            "written-communication": 3,
            "verbal-communication": 2,
            "presenting": 2,
            "collaboration": 3,
            "interpersonal-skills": 2,
            "emotional-intelligence": 2,
            "feedback": 2,
            "delegation": 1,
            "project-leadership": 2,
            "time-management": 3,
            "conflict-resolution": 2,
            "coaching": 2,
            "adaptability": 3,
        },
    },
    {
        "key": "team-lead",
        "name": "Team Lead",
        "description": "Runs a small engineering team day to day and plans its work while still building alongside it.",
        "next": "engineering-manager",
        "targets": {
            "written-communication": 3,
            "verbal-communication": 3,
            "presenting": 3,
            "collaboration": 3,
            "interpersonal-skills": 3,
            "emotional-intelligence": 3,
            "feedback": 3,
            "delegation": 3,
            "project-leadership": 3,
            "time-management": 3,
            "conflict-resolution": 3,
            "coaching": 3,
            "adaptability": 3,
        },
    },
    {
        "key": "engineering-manager",
        "name": "Engineering Manager",
        "description": "Manages engineering teams and their leads, and is responsible for their people and delivery.",
        "next": None,
        "targets": {
            "written-communication": 3,
            "verbal-communication": 4,
            "presenting": 3,
            "collaboration": 4,
            "interpersonal-skills": 3,
            "emotional-intelligence": 4,
            "feedback": 4,
            "delegation": 4,
            "project-leadership": 4,
            "time-management": 3,
            "conflict-resolution": 4,
            "coaching": 4,
            "adaptability": 4,
        },
    },
    {
        "key": "sales-rep",
        "name": "Sales Rep",
        "description": "Finds and looks after customers, and wins and renews business with them.",
        "next": "sales-team-lead",
        "targets": {
            "written-communication": 2,
            "verbal-communication": 3,
            "presenting": 3,
            "collaboration": 2,
            "interpersonal-skills": 3,
            "emotional-intelligence": 3,
            "feedback": 2,
            "delegation": 1,
            "project-leadership": 2,
            "time-management": 3,
            "conflict-resolution": 2,
            "coaching": 1,
            "adaptability": 3,
        },
    },
    {
        "key": "sales-team-lead",
        "name": "Sales Team Lead",
        "description": "Leads a team of sales reps, coaching them on their customer conversations and meeting targets.",
        "next": None,
        "targets": {
            "written-communication": 3,
            "verbal-communication": 4,
            "presenting": 3,
            "collaboration": 3,
            "interpersonal-skills": 3,
            "emotional-intelligence": 3,
            "feedback": 3,
            "delegation": 3,
            "project-leadership": 3,
            "time-management": 3,
            "conflict-resolution": 3,
            "coaching": 3,
            "adaptability": 3,
        },
    },
    {
        "key": "support-agent",
        "name": "Support Agent",
        "description": "Helps customers by phone, chat and e-mail, and solves or passes on their problems.",
        "next": "support-team-lead",
        "targets": {
            "written-communication": 3,
            "verbal-communication": 3,
            "presenting": 1,
            "collaboration": 3,
            "interpersonal-skills": 3,
            "emotional-intelligence": 3,
            "feedback": 2,
            "delegation": 1,
            "project-leadership": 1,
            "time-management": 3,
            "conflict-resolution": 3,
            "coaching": 1,
            "adaptability": 3,
        },
    },
    {
        "key": "support-team-lead",
        "name": "Support Team Lead",
        "description": "Leads a team of support agents, handles escalated cases and keeps service quality high.",
        "next": None,
        "targets": {
            "written-communication": 3,
            "verbal-communication": 3,
            "presenting": 3,
            "collaboration": 3,
            "interpersonal-skills": 3,
            "emotional-intelligence": 3,
            "feedback": 3,
            "delegation": 3,
            "project-leadership": 3,
            "time-management": 3,
            "conflict-resolution": 4,
            "coaching": 3,
            "adaptability": 3,
        },
    },
    {
        "key": "marketing-specialist",
        "name": "Marketing Specialist",
        "description": "Plans and runs marketing campaigns and writes content for customers and prospects.",
        "next": None,
        "targets": {
            "written-communication": 3,
            "verbal-communication": 3,
            "presenting": 3,
            "collaboration": 3,
            "interpersonal-skills": 2,
            "emotional-intelligence": 2,
            "feedback": 2,
            "delegation": 1,
            "project-leadership": 3,
            "time-management": 3,
            "conflict-resolution": 2,
            "coaching": 1,
            "adaptability": 3,
        },
    },
    {
        "key": "hr-partner",
        "name": "HR Partner",
        "description": "Advises managers and employees on people matters such as hiring, performance and wellbeing.",
        "next": None,
        "targets": {
            "written-communication": 3,
            "verbal-communication": 3,
            "presenting": 3,
            "collaboration": 3,
            "interpersonal-skills": 3,
            "emotional-intelligence": 3,
            "feedback": 3,
            "delegation": 2,
            "project-leadership": 2,
            "time-management": 3,
            "conflict-resolution": 3,
            "coaching": 3,
            "adaptability": 3,
        },
    },
]
