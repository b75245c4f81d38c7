"""Fee payments by bank transfer (VietQR), from the QR a citizen scans to the statement staff import.

- `accounts`: each agency's receiving bank account and its statement's column names (admin);
- `fees`: what a dossier owes and has paid, and the transfer to ask for (amount, account,
  content carrying the dossier code, the VietQR payload from app/lib/vietqr.py);
- `statement`: a bank statement file (CSV or XLSX) read into credit lines, or refused whole
  with the reasons in Vietnamese; it touches no database (`cells` reads one cell's amount
  or time);
- `imports`: a statement's new credits stored once per bank transaction id and matched;
- `matching`: a credit to a dossier by the code in its content; a credit that covers the fee
  confirms the payment through the workflow;
- `review`: partial, excess and unmatched payments, and an officer's decision on each.
"""
