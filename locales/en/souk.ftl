# souk — the till (English)

## Keys
key-arrows = ↑↓
key-backspace = Backspace
key-del = Del
key-enter = Enter
key-esc = Esc
key-space = Space
key-tab = Tab

## Status bar
status-till = Till
status-cashier = Cashier
status-printer = Printer
status-phase = Phase { $n }
status-no-phase = no open phase
printer-file = ready (files)
printer-error = error: { $error }
printer-failed = Printing failed: { $error } (what was saved still is)
printed = Sent to the printer.

## Roles, units, payment methods, ticket kinds
role-cashier = cashier
role-supervisor = supervisor
role-organiser = organiser
unit-piece = piece
unit-kg = kg
unit-l = l
method-cash = Cash
method-card = Card
method-mobile = Mobile
method-other = Other
kind-sale = sale
kind-refund = refund

## Login
login-title = Login — till { $till }
login-pin = PIN:
login-wrong = Wrong PIN — { $left } tries left before lock
login-wrong-last = Wrong PIN — 1 try left before the account is locked
pin-empty = Type the PIN, then Enter
login-shift-of-other = { $cashier }'s shift is open here: { $cashier } or a supervisor closes it (F6) first
login-wait = wait { $secs } s before trying again
login-locked = Account locked: ask a supervisor
login-locked-mark = [locked]
unlocked = { $name } is unlocked.

## Laptop identity (database without identity)
identify-title = This laptop has no identity yet
identify-intro = Which till is this laptop? An organiser says so with their PIN; the laptop then sells under that id only.
identify-market = Market: { $market }
identify-tills = Tills of the market: { $tills }
identify-till = Till:
identify-organiser = Organiser:
identify-pin = PIN:
identify-no-organiser = Choose the organiser who types their PIN.
hint-next-field = next field
hint-identify = confirm

## Opening and closing
open-title = Open shift — cash float
close-title = Close shift — cash count
count-col-denom = Notes / coins
count-col-number = Count
count-col-amount = Amount
count-total-row = or typed total
count-total = Counted total:
denom-note = { $value } DH note
denom-coin = { $value } DH coin
shift-opened = Shift { $id } opened.
close-basket-open = A basket is open: take payment or abandon it before closing.
close-confirm = Enter: close and print the Z report.
no-shift = No open shift.

## Sale
sale-search = Search (code, barcode, name) — 3* for quantity
sale-search-short = Search — 3* for quantity
sale-results = Products ({ $n })
sale-search-help = Name, code or barcode. "E017 45": misc item of 45 DH for E017.
sale-basket = Basket ({ $n ->
        [one] { $n } line
       *[other] { $n } lines
    })
col-exhibitor = Exh.
col-product = Product
col-qty = Qty
col-price = Price
col-discount = Disc.
col-total = Total
total-label = TOTAL
change-label = CHANGE DUE
divers = Misc
line-added = Added: { $name }
bad-quantity = Invalid quantity: "{ $text }"
bad-value = Invalid value: "{ $text }"
unknown-barcode = Unknown barcode: { $code }
no-product = No product matches "{ $text }"
piece-fraction = "{ $name }" is sold by the piece: whole quantity
prompt-quantity = New quantity
prompt-discount = Line discount (DH)
prompt-price = New unit price (DH) — supervisor required
prompt-weight = Weight in kg or volume in l (e.g. 0.750)
price-changed = Price changed (approved by { $approver }).
basket-abandoned = Basket abandoned (recorded).
sale-done = Sale { $id } saved.

## Payment
pay-method = Payment method (Tab to change)
pay-tendered = Amount tendered (empty = the rest)
pay-amount = Amount (empty = the rest)
pay-reference = Reference
pay-summary = Payments — total { $total }
pay-cash-due = in cash (rounded) { $amount }
pay-given = given
pay-ref = ref.
pay-remaining = LEFT TO PAY
pay-complete = Enter to confirm
pay-too-much = Amount above what is left to pay ({ $rest })
pay-barcode = « { $text } » looks like a barcode, not an amount: nothing was taken
pay-change-too-large = { $given } tendered for { $due }: the change would exceed the sale, check the amount typed
change-due = Change due: { $amount }

## History, ticket, refund
history-title = Shift { $shift } history ({ $n ->
        [one] { $n } ticket
       *[other] { $n } tickets
    })
col-time = Time
col-ticket = Ticket
col-kind = Kind
col-refund-of = Refunds
col-cashier = Cashier
col-lines = Lines
ticket-title = Ticket { $id } ({ $kind })
reprinted = Reprint of { $id } (journalled).
refund-nothing = Mark the lines to refund first (Space).
refund-done = Refund { $id } saved: give back { $amount } ({ $method }).

## Reports
x-title = X report — shift { $shift }
z-title = Z report — shift { $shift }
z-float = Cash float
z-sales = Sales ({ $n })
z-refunds = Refunds ({ $n })
z-net = Net
z-abandoned = Abandoned baskets ({ $n })
z-expected = Expected cash
z-counted = Counted cash
z-difference = Difference
z-chain-head = Journal chain head (no. { $seq }):

## Exhibitors
coop-title = Takings of { $date } per exhibitor — till { $till }
col-tickets = Tickets
col-gross = Gross
col-refunds = Refunds
col-net = Net

## Lock
lock-title = Till locked
lock-who = { $name }'s shift — type your PIN to resume
lock-basket = Basket kept: { $n ->
        [one] { $n } line
       *[other] { $n } lines
    }
lock-wrong = Wrong PIN

## Windows
help-title = Help — keys of this screen
help-footer = Esc closes the help. Ctrl+Q quits (asks first if a basket is open).
confirm-title = Confirm
confirm-quit = A basket is open. Quit anyway?
confirm-abandon = Abandon the current basket?
confirm-keys = Y: yes — N / Esc: no
approval-title = Supervisor approval
approval-wrong = Wrong supervisor PIN
approve-price = Change the price to { $price }
approve-refund = Refund { $amount } ({ $n ->
        [one] { $n } line
       *[other] { $n } lines
    }) of ticket { $ticket } in { $method }
approve-close = Close the shift (Z report)
approve-unlock = Unlock { $name }

## Key hints
hint-abandon = abandon basket
hint-add = add
hint-add-payment = add payment
hint-approve = approve
hint-arabic = Arabic display
hint-back = back
hint-basket = basket
hint-cancel = cancel
hint-check-count = check the count
hint-choose-exhibitor = choose exhibitor
hint-choose-line = choose line
hint-choose-person = choose person
hint-choose-result = choose product
hint-choose-row = choose row
hint-choose-ticket = choose ticket
hint-close = close (Z)
hint-close-help = close help
hint-close-shift = close the shift
hint-confirm = confirm
hint-coop = exhibitors
hint-discount = discount
hint-edit-qty = quantity
hint-enter-amount = confirm amount
hint-help = help
hint-history = history
hint-lock = lock
hint-login = log in
hint-logout = log out
hint-mark-line = mark line
hint-method = payment method
hint-no = no
hint-note-100 = 100 note
hint-note-20 = 20 note
hint-note-200 = 200 note
hint-note-50 = 50 note
hint-open-shift = open the shift
hint-open-ticket = open ticket
hint-pay = pay
hint-price = price (supervisor)
hint-print = print
hint-print-slip = print slip
hint-qty-prefix = quantity
hint-quick-entry = exhibitor misc item
hint-quit = quit
hint-refund = refund (supervisor)
hint-remove-line = remove line
hint-remove-payment = remove last payment
hint-reprint = reprint
hint-scroll = scroll
hint-search = search
hint-type-count = type the count
hint-type-pin = PIN
hint-unlock = unlock
hint-x-report = X report
hint-yes = yes

## Plain-text receipt (FileSink)
rcpt-sale = SALE RECEIPT — collected on behalf of the exhibitors
rcpt-refund = REFUND
rcpt-ticket = Ticket
rcpt-refund-of = Refunds ticket
rcpt-cashier = Cashier:
rcpt-date = Date:
rcpt-total = TOTAL
rcpt-tendered = Tendered
rcpt-change = Change
rcpt-rounding = Rounding
rcpt-check = Check:

## Reports menu (F10), settlement, tills
menu-title = Reports
menu-x = X report of the shift
menu-coop = Today's takings per exhibitor (this till)
menu-day = Today's takings, all tills
menu-settlement = Phase settlement (exhibitor statements)
menu-totals = Phase totals for the region
menu-tills = Tills status (merges, gaps)
menu-not-allowed = For a supervisor or the organiser only.
menu-no-phase = No phase is defined for this market.
menu-day-title = Takings of { $date }, all tills
menu-totals-title = Totals of phase { $n }
settle-title = Settlement phase { $n } ({ $state }) — net { $net } — due to exhibitors { $due }
settle-closed = closed
settle-provisional = provisional
col-name = Name
col-other-methods = Card+others
col-commission = Comm.
col-stall-fee = Stall
col-due = Due
col-till = Till
col-last-ticket = Last
col-late = Late
col-gaps = Gaps
col-last-merge = Last merge
col-bundle = Bundle
tills-title = Tills of the market
hint-reports = reports
hint-open-report = open the report
hint-phase = phase
hint-print-statement = print the statement
hint-print-phase = print the whole phase
hint-refresh = refresh

approve-discount = Grant a discount of { $amount }
approve-drawer = Open the cash drawer without a sale
discount-approved = Discount granted by { $approver }.
drawer-opened = Drawer opened (approved by { $approver }), journalled.
hint-drawer = drawer (supervisor)
hint-refund-method = refund method
refund-method = Refund in: { $method }
login-demo = Demo — PINs: { $codes }

## Till (issue 13)
draft-recovered = Basket recovered: { $n ->
        [one] { $n } line
       *[other] { $n } lines
    }
draft-recovered-payments = {" "}; payments already taken: { $list } (F2 to see them)
draft-failed = Basket in progress not saved ({ $error }): the sale goes on.
divers-zero = A 0.00 DH sundry adds nothing: type the exhibitor code, then the amount (E017 45)
divers-unknown = Unknown exhibitor { $code }: check the stall number.
divers-not-in-phase = { $code } does not exhibit in phase { $phase }: nothing added.
divers-preview = Misc item of exhibitor { $code }: { $amount } — Enter to add it
day-no-phase = No open phase on { $date }: this till cannot sell today.
day-phase-closed = Phase { $phase } is closed: no more sales on { $date }.
line-more = { $name }: quantity { $qty }
refund-already = Already refunded: { $name }
refund-mark-done = ref.
hint-open-ticket-refund = open (reprint, refund)
pay-method-chosen = Payment method: { $method } (Tab to change)
key-up = ↑
key-down = ↓
hint-amount-field = amount
hint-reference-field = reference
prompt-weight-kg = Weight in kg (e.g. 0.750)
prompt-weight-l = Volume in litres (e.g. 1.5)
coop-total = Total
err-disk-full = Disk full: nothing was saved. Free some space (old backups, downloads) and try again.
err-db-busy = The database is busy with another program: wait a few seconds and try again.
err-read-only = Writing refused (read-only database or folder, write-protected USB stick?): check the rights and try again.
err-io = Disk read or write error: check the disk or the USB stick and try again.
err-corrupt = The database is damaged: stop the till and call the organiser (souk verify).
err-not-found = File or folder not found: check the path.
err-locked = The database is open in another souk on this computer: close it and try again.
err-ticket-not-found = Ticket { $id } not found.
count-ticket = { $n ->
        [one] { $n } ticket
       *[other] { $n } tickets
    }
count-entry = { $n ->
        [one] { $n } entry
       *[other] { $n } entries
    }
count-anomaly = { $n ->
        [one] { $n } anomaly
       *[other] { $n } anomalies
    }
count-late = { $n ->
        [one] { $n } late ticket
       *[other] { $n } late tickets
    }
count-new-ticket = { $n ->
        [one] { $n } ticket added
       *[other] { $n } tickets added
    }
count-checked-ticket = { $n ->
        [one] { $n } ticket checked
       *[other] { $n } tickets checked
    }
scan-reading = Reading QR: { $text }
scan-preview = Scanned receipt: Enter checks it against the journal (nothing is added to the basket).
scan-unknown = Ticket { $id } unknown on this till
scan-unknown-paper = Ticket { $id } unknown on this till: a paper sale entered at the organiser after this till was set up is refunded at the organiser (souk refund { $id } --by NAME)
scan-unreadable = Unreadable receipt QR ({ $error })
scan-ok = Receipt matches
scan-bad = Receipt does NOT match
hint-scan-receipt = check a scanned receipt
count-whole-notes = A number of notes or coins is whole: to type an amount, use the last row (typed total)
