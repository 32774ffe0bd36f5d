# souk — la caisse (français, langue par défaut)

## Touches
key-arrows = ↑↓
key-backspace = Retour arr.
key-del = Suppr
key-enter = Entrée
key-esc = Échap
key-space = Espace
key-tab = Tab

## Barre d'état
status-till = Caisse
status-cashier = Caissier·ère
status-printer = Imprimante
status-phase = Phase { $n }
status-no-phase = hors phase
printer-file = prête (fichiers)
printer-error = en erreur : { $error }
printer-failed = Impression impossible : { $error } (ce qui était enregistré l'est toujours)
printed = Envoyé à l'imprimante.

## Rôles, unités, moyens de paiement, types de ticket
role-cashier = caissier·ère
role-supervisor = superviseur
role-organiser = organisateur
unit-piece = pièce
unit-kg = kg
unit-l = l
method-cash = Espèces
method-card = Carte
method-mobile = Mobile
method-other = Autre
kind-sale = vente
kind-refund = remboursement

## Connexion
login-title = Connexion — caisse { $till }
login-pin = Code :
login-shift-of-other = Service de { $cashier } ouvert ici : { $cashier } ou un superviseur le clôture (F6) d'abord
pin-empty = Tapez le code, puis Entrée
login-wrong = Code incorrect — encore { $left } essais avant verrouillage
login-wrong-last = Code incorrect — encore 1 essai avant verrouillage
login-wait = attendez { $secs } s avant de réessayer
login-locked = Compte verrouillé : demander à un superviseur
login-locked-mark = [verrouillé]
unlocked = { $name } est déverrouillé·e.

## Identité du poste (base sans identité)
identify-title = Ce poste n'a pas encore d'identité
identify-intro = Quelle caisse est ce poste ? Un organisateur le dit avec son code ; le poste vendra ensuite sous cet identifiant seulement.
identify-market = Marché : { $market }
identify-tills = Caisses du marché : { $tills }
identify-till = Caisse :
identify-organiser = Organisateur :
identify-pin = Code :
identify-no-organiser = Choisissez l'organisateur qui donne son code.
hint-next-field = champ suivant
hint-identify = valider

## Ouverture et clôture
open-title = Ouverture de session — fond de caisse
close-title = Clôture de session — comptage de la caisse
count-col-denom = Billets / pièces
count-col-number = Nombre
count-col-amount = Montant
count-total-row = ou total saisi
count-total = Total compté :
denom-note = Billet de { $value } DH
denom-coin = Pièce de { $value } DH
shift-opened = Session { $id } ouverte.
close-basket-open = Un panier est en cours : encaissez-le ou abandonnez-le avant la clôture.
close-confirm = Entrée : clôturer et imprimer le rapport Z.
no-shift = Aucune session ouverte.

## Vente
sale-search = Rechercher (code, code-barres, nom) — 3* pour la quantité
sale-search-short = Rechercher — 3* pour la quantité
sale-results = Produits ({ $n })
sale-search-help = Nom, code ou code-barres. « E017 45 » : divers de 45 DH pour E017.
sale-basket = Panier ({ $n ->
        [one] { $n } ligne
       *[other] { $n } lignes
    })
col-exhibitor = Expo.
col-product = Produit
col-qty = Qté
col-price = Prix
col-discount = Remise
col-total = Total
total-label = TOTAL
change-label = MONNAIE À RENDRE
divers = Divers
line-added = Ajouté : { $name }
bad-quantity = Quantité invalide : « { $text } »
bad-value = Valeur invalide : « { $text } »
unknown-barcode = Code-barres inconnu : { $code }
no-product = Aucun produit ne correspond à « { $text } »
piece-fraction = « { $name } » se vend à la pièce : quantité entière
prompt-quantity = Nouvelle quantité
prompt-discount = Remise sur la ligne (DH)
prompt-price = Prix unitaire (DH), accord superviseur
prompt-weight = Poids en kg ou volume en l (ex. 0,750)
price-changed = Prix modifié (approuvé par { $approver }).
basket-abandoned = Panier abandonné (enregistré).
sale-done = Vente { $id } enregistrée.

## Paiement
pay-method = Moyen de paiement (Tab pour changer)
pay-tendered = Montant remis (vide = le reste)
pay-amount = Montant (vide = le reste)
pay-reference = Référence
pay-summary = Paiements — total { $total }
pay-cash-due = en espèces (arrondi) { $amount }
pay-given = remis
pay-ref = réf.
pay-remaining = RESTE À PAYER
pay-complete = Entrée pour valider
pay-too-much = Montant supérieur au reste à payer ({ $rest })
pay-barcode = « { $text } » ressemble à un code-barres, pas à un montant : rien n'a été encaissé
pay-change-too-large = Reçu { $given } pour { $due } : la monnaie à rendre dépasse le montant de la vente, vérifiez la somme tapée
change-due = Monnaie à rendre : { $amount }

## Historique, ticket, remboursement
history-title = Historique de la session { $shift } ({ $n ->
        [one] { $n } ticket
       *[other] { $n } tickets
    })
col-time = Heure
col-ticket = Ticket
col-kind = Type
col-refund-of = Rembourse
col-cashier = Caissier·ère
col-lines = Lignes
ticket-title = Ticket { $id } ({ $kind })
reprinted = Réimpression de { $id } (journalisée).
refund-nothing = Marquez d'abord les lignes à rembourser (Espace).
refund-done = Remboursement { $id } enregistré : { $amount } à rendre ({ $method }).

## Rapports
x-title = Rapport X — session { $shift }
z-title = Rapport Z — session { $shift }
z-float = Fond de caisse
z-sales = Ventes ({ $n })
z-refunds = Remboursements ({ $n })
z-net = Net
z-abandoned = Paniers abandonnés ({ $n })
z-expected = Espèces attendues
z-counted = Espèces comptées
z-difference = Écart
z-chain-head = Tête de chaîne du journal (n° { $seq }) :

## Exposants
coop-title = Recettes du { $date } par exposant — caisse { $till }
col-tickets = Tickets
col-gross = Brut
col-refunds = Remb.
col-net = Net

## Verrouillage
lock-title = Caisse verrouillée
lock-who = Session de { $name } : tapez votre code
lock-basket = Panier conservé : { $n ->
        [one] { $n } ligne
       *[other] { $n } lignes
    }
lock-wrong = Code incorrect

## Fenêtres
help-title = Aide — touches de cet écran
help-footer = Échap ferme l'aide. Ctrl+Q quitte (confirmation si un panier est en cours).
confirm-title = Confirmation
confirm-quit = Un panier est en cours. Quitter quand même ?
confirm-abandon = Abandonner le panier en cours ?
confirm-keys = O : oui — N / Échap : non
approval-title = Accord d'un superviseur
approval-wrong = Code superviseur incorrect
approve-price = Modifier le prix à { $price }
approve-refund = Rembourser { $amount } ({ $n ->
        [one] { $n } ligne
       *[other] { $n } lignes
    }) du ticket { $ticket } en { $method }
approve-close = Clôturer la session (rapport Z)
approve-unlock = Déverrouiller { $name }

## Aide des touches
hint-abandon = abandonner le panier
hint-add = ajouter
hint-add-payment = ajouter le paiement
hint-approve = approuver
hint-arabic = affichage arabe
hint-back = retour
hint-basket = panier
hint-cancel = annuler
hint-check-count = vérifier le comptage
hint-choose-exhibitor = choisir l'exposant
hint-choose-line = choisir la ligne
hint-choose-person = choisir la personne
hint-choose-result = choisir le produit
hint-choose-row = choisir la ligne
hint-choose-ticket = choisir le ticket
hint-close = clôture (Z)
hint-close-help = fermer l'aide
hint-close-shift = clôturer la session
hint-confirm = valider
hint-coop = exposants
hint-discount = remise
hint-edit-qty = quantité
hint-enter-amount = valider le montant
hint-help = aide
hint-history = historique
hint-lock = verrouiller
hint-login = se connecter
hint-logout = déconnexion
hint-mark-line = marquer la ligne
hint-method = moyen de paiement
hint-no = non
hint-note-100 = billet de 100
hint-note-20 = billet de 20
hint-note-200 = billet de 200
hint-note-50 = billet de 50
hint-open-shift = ouvrir la session
hint-open-ticket = ouvrir le ticket
hint-pay = payer
hint-price = prix (superviseur)
hint-print = imprimer
hint-print-slip = imprimer le relevé
hint-qty-prefix = quantité
hint-quick-entry = divers d'un exposant
hint-quit = quitter
hint-refund = rembourser (superviseur)
hint-remove-line = supprimer la ligne
hint-remove-payment = retirer le dernier paiement
hint-reprint = réimprimer
hint-scroll = défiler
hint-search = recherche
hint-type-count = saisir le nombre
hint-type-pin = code
hint-unlock = déverrouiller
hint-x-report = rapport X
hint-yes = oui

## Ticket texte (FileSink)
rcpt-sale = TICKET DE VENTE — encaissé pour le compte des exposants
rcpt-refund = REMBOURSEMENT
rcpt-ticket = Ticket
rcpt-refund-of = Rembourse le ticket
rcpt-cashier = Caissier·ère :
rcpt-date = Date :
rcpt-total = TOTAL
rcpt-tendered = Remis
rcpt-change = Rendu
rcpt-rounding = Arrondi
rcpt-check = Contrôle :

## Reports menu (F10), settlement, tills
menu-title = Rapports
menu-x = Rapport X de la session
menu-coop = Recettes du jour par exposant (cette caisse)
menu-day = Recettes du jour, toutes caisses
menu-settlement = Règlement de la phase (relevés des exposants)
menu-totals = Totaux de la phase pour la région
menu-tills = État des caisses (fusions, trous)
menu-not-allowed = Réservé à un superviseur ou à l'organisateur.
menu-no-phase = Aucune phase n'est définie pour ce marché.
menu-day-title = Recettes du { $date }, toutes caisses
menu-totals-title = Totaux de la phase { $n }
settle-title = Règlement phase { $n } ({ $state }) — net { $net } — dû aux exposants { $due }
settle-closed = clôturée
settle-provisional = provisoire
col-name = Nom
col-other-methods = Carte+autres
col-commission = Comm.
col-stall-fee = Stand
col-due = Dû expo.
col-till = Caisse
col-last-ticket = Dernier
col-late = Tardifs
col-gaps = Trous
col-last-merge = Dernière fusion
col-bundle = Lot
tills-title = État des caisses du marché
hint-reports = rapports
hint-open-report = ouvrir le rapport
hint-phase = phase
hint-print-statement = imprimer le relevé
hint-print-phase = imprimer toute la phase
hint-refresh = actualiser

approve-discount = Accorder une remise de { $amount }
approve-drawer = Ouvrir le tiroir-caisse sans vente
discount-approved = Remise accordée par { $approver }.
drawer-opened = Tiroir ouvert (accord de { $approver }), inscrit au journal.
hint-drawer = tiroir (superviseur)
hint-refund-method = mode de remboursement
refund-method = Rembourser en : { $method }
login-demo = Démonstration — codes : { $codes }

## Till (issue 13)
draft-recovered = Panier récupéré : { $n ->
        [one] { $n } ligne
       *[other] { $n } lignes
    }
draft-recovered-payments = {" "}; paiements déjà saisis : { $list } (F2 pour les retrouver)
draft-failed = Panier en cours non sauvegardé ({ $error }) : la vente continue.
divers-zero = Un divers de 0,00 DH n'ajoute rien : tapez le code de l'exposant puis le montant (E017 45)
divers-unknown = Exposant { $code } inconnu : vérifiez le numéro du stand.
divers-not-in-phase = { $code } n'expose pas en phase { $phase } : rien n'est ajouté.
divers-preview = Divers de l'exposant { $code } : { $amount } — Entrée pour l'ajouter
day-no-phase = Aucune phase ouverte le { $date } : la caisse ne peut pas vendre aujourd'hui.
day-phase-closed = La phase { $phase } est clôturée : plus aucune vente le { $date }.
line-more = { $name } : quantité { $qty }
refund-already = Déjà remboursée : { $name }
refund-mark-done = remb.
hint-open-ticket-refund = ouvrir (réimprimer, rembourser)
pay-method-chosen = Moyen de paiement : { $method } (Tab pour changer)
key-up = ↑
key-down = ↓
hint-amount-field = montant
hint-reference-field = référence
prompt-weight-kg = Poids en kg (ex. 0,750)
prompt-weight-l = Volume en litres (ex. 1,5)
coop-total = Total
err-disk-full = Disque plein : rien n'a été enregistré. Libérez de la place (anciennes sauvegardes, téléchargements) puis recommencez.
err-db-busy = Base occupée par un autre programme : attendez quelques secondes puis recommencez.
err-read-only = Écriture refusée (base ou dossier en lecture seule, clé USB protégée ?) : vérifiez les droits puis recommencez.
err-io = Erreur de lecture ou d'écriture sur le disque : vérifiez le disque ou la clé USB puis recommencez.
err-corrupt = La base de données est endommagée : arrêtez la caisse et appelez l'organisateur (souk verify).
err-not-found = Fichier ou dossier introuvable : vérifiez le chemin.
err-locked = La base est ouverte par un autre souk sur ce poste : fermez-le puis recommencez.
err-ticket-not-found = Ticket { $id } introuvable.
count-ticket = { $n ->
        [one] { $n } ticket
       *[other] { $n } tickets
    }
count-entry = { $n ->
        [one] { $n } entrée
       *[other] { $n } entrées
    }
count-anomaly = { $n ->
        [one] { $n } anomalie
       *[other] { $n } anomalies
    }
count-late = { $n ->
        [one] { $n } ticket tardif
       *[other] { $n } tickets tardifs
    }
count-new-ticket = { $n ->
        [one] { $n } ticket ajouté
       *[other] { $n } tickets ajoutés
    }
count-checked-ticket = { $n ->
        [one] { $n } ticket vérifié
       *[other] { $n } tickets vérifiés
    }
scan-reading = Lecture du QR : { $text }
scan-preview = Reçu scanné : Entrée le vérifie dans le journal (rien n'est ajouté au panier).
scan-unknown = Ticket { $id } inconnu sur cette caisse
scan-unknown-paper = Ticket { $id } inconnu sur cette caisse : une vente papier saisie chez l'organisateur après la préparation de cette caisse se rembourse chez l'organisateur (souk refund { $id } --by NOM)
scan-unreadable = QR de reçu illisible ({ $error })
scan-ok = Reçu conforme
scan-bad = Reçu NON conforme
hint-scan-receipt = vérifier un reçu scanné
count-whole-notes = Un nombre de billets ou de pièces est entier : pour un montant, tapez-le sur la dernière ligne (total saisi)
