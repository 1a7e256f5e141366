# English interface
skip-to-content = Skip to content
switch-language = Tiếng Việt
nav-label = Main navigation
nav-home = Home
nav-structure = Structure
nav-audit = Audit trail
nav-users = Accounts
nav-logout = Sign out
footer-tagline = People-to-people diplomacy information system
back-home = Back to the home page
save = Save
yes = Yes
no = No
filter-apply = Show
period-open = present
pager-label = Pages
pager-prev = ‹ Previous
pager-next = Next ›

login-title = Sign in
login-intro = Sign in with the account issued to your unit.
login-submit = Sign in
login-failed = Wrong email or password.
login-expired = The form has expired. Reload the page and try again.
login-throttled = Too many failed attempts. Wait a minute and try again.

error-400 = Bad request
error-401 = Sign-in required
error-403 = Not allowed
error-404 = Not found
error-404-detail = The page you are looking for does not exist.
error-409 = Conflict
error-413 = Too large
error-422 = Invalid input
error-429 = Too many requests
error-500 = Internal error
error-internal = Something went wrong; the error has been logged.

home-welcome = Welcome
home-scope = Scope
home-units-today = Units active today
home-accounts = Accounts in scope
home-children = Units under it
home-cluster-roles = Cluster roles
home-contains = Units under it today
home-no-children = No units under it.
scope-all = Whole federation
scope-units = Own unit

search-label = Search
search-placeholder = Search units, people…
search-title = Search results
search-submit = Search
search-hint = Type what you are looking for; with or without Vietnamese marks.
search-none = Nothing found.
search-results = results

org_unit = Unit
user = Account

kind-central = Central
kind-member-org = Member organization
kind-cluster = Cluster
kind-province-union = Provincial union
kind-association = Friendship association
kind-other = Other

role-system-admin = System administrator
role-central-staff = Central staff
role-cluster-lead = Cluster lead
role-union-staff = Union staff
role-association-staff = Association staff
role-viewer = Viewer

change-create = Founded
change-merge = Merged
change-split = Split
change-rename = Renamed
change-move = Moved
change-close = Closed

field-email = Email
field-password = Password
field-password-new = New password (at least 10 characters; leave empty to keep)
field-code = Code
field-name = Name
field-short-name = Short name
field-name-en = English name
field-kind = Kind of unit
field-parent = Placed under
field-period = Valid
field-from = From
field-to = To
field-as-of = As of
field-effective = Effective from (dd/mm/yyyy)
field-change-date = Date of the change (dd/mm/yyyy)
field-address = Address
field-phone = Phone
field-website = Website
field-note = Note
field-year = Year
field-display-name = Name
field-role = Role
field-unit = Unit
field-active = Active

tree-title = Organization structure
tree-as-of = As of
tree-empty = No unit existed on this date.
tree-filter = Filter by name or code
export-csv = Download CSV
cluster-set-roles = Save lead and deputy
org-new = Add a unit

unit-not-open = This unit did not exist on
unit-audit = Audit trail
unit-edit = Change name, code, placement
unit-details = Details
unit-children = Units under it
unit-history = History
unit-lineage = Merges, splits and changes
unit-contact-edit = Update contact details
unit-close = Close the unit
close-date = Closing date
history-names = Names over time
history-codes = Codes over time
history-parents = Placement over time
lineage-none = No structural change recorded.
edit-explain = Changes take effect from the chosen date; earlier names, codes and placement stay in the history.

cluster-year = Cluster in
cluster-lead = Lead
cluster-deputy = Deputy
cluster-members = Members

merge-title = Merge units
merge-explain = The chosen units end the day before the merge; their records count for the successor.
merge-from = Units to merge
merge-into = Merge into
merge-into-new = A new unit (fill in below)
merge-new-unit = New unit
merge-submit = Merge

split-title = Split a unit
split-explain = Each resulting unit takes a share (shares add up to 1). If the source is one of the results, it continues.
split-from = Unit to split
split-result = Resulting unit
split-target = Unit
split-share = Share (e.g. 0.5)
split-submit = Split

action-create = Created
action-update = Updated
action-merge = Merged
action-split = Split
action-close = Closed
action-set-cluster-roles = Set cluster lead and deputy
action-import-reference = Imported reference data
action-load-demo = Loaded demo data
audit-title = Audit trail
audit-entity-type = Kind of record
audit-entity-id = Record id
audit-actor = By
audit-any = Any
audit-none = No changes.
audit-entries = entries
audit-when = When
audit-action = Action
audit-entity = Record
audit-changes = Before → after

user-new = Add an account
user-edit = Edit account
users-count = accounts
users-none = No accounts.
