"""The Help pages' static content: glossary terms and frequently asked questions.

This content does not scale with the demo data; every load writes the same rows.
"""

from __future__ import annotations

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Arrears",
     "Past-due child support: support that was owed under an order but not paid by "
     "its due date. Arrears stay owed until paid, even after the children are grown."),
    ("Assignment of support rights",
     "While a family receives TANF cash assistance, the right to the support owed "
     "for that time is assigned to the state, so collections on it repay the state "
     "rather than going to the family."),
    ("Case number",
     "The 10-digit number that identifies your child support case. Have it ready "
     "whenever you contact the agency or make a payment."),
    ("Caseworker",
     "The agency staff member responsible for your case. Your caseworker can answer "
     "questions about your case and review changes you report."),
    ("Current support",
     "The amount of child support due for the present period under the support "
     "order, as opposed to arrears from earlier periods."),
    ("Custodial parent",
     "The parent or caretaker the children live with most of the time. The custodial "
     "parent usually receives child support."),
    ("Disbursement",
     "Money the agency sends on to the person who receives support, after a payment "
     "has been received and applied. Disbursements go by direct deposit, prepaid "
     "card or check."),
    ("Emancipation",
     "The point at which a child is no longer entitled to support, usually the 18th "
     "birthday or high-school graduation, whichever comes later, unless the order "
     "says otherwise."),
    ("Family violence indicator",
     "A flag the agency sets when a person may be at risk of harm. It keeps that "
     "person's address and other contact details from being shared with the other "
     "party or with other agencies."),
    ("Federal tax refund offset",
     "A federal program that takes all or part of a parent's federal income-tax "
     "refund to pay past-due support. You receive a notice before an offset happens."),
    ("Income withholding order",
     "An order telling an employer to take child support out of an employee's pay "
     "and send it to the agency. Most child support is paid this way."),
    ("Interest",
     "A charge that some orders add to unpaid arrears, usually once a year, at the "
     "rate the law or the court sets."),
    ("IV-D case",
     "A case in which the state child support agency provides services under Title "
     "IV, Part D of the Social Security Act, such as locating parents, establishing "
     "orders and collecting payments."),
    ("Interstate case",
     "A case in which the parents live in different states, so child support "
     "agencies in both states work together to establish or enforce the order."),
    ("Medical support",
     "The part of an order that provides for the children's health care: health "
     "insurance coverage, a cash amount toward its cost, or both."),
    ("Noncustodial parent",
     "The parent the children do not live with most of the time. The noncustodial "
     "parent usually pays child support."),
    ("Obligee",
     "The person who is owed and receives child support, usually the custodial "
     "parent or caretaker."),
    ("Obligor",
     "The person ordered to pay child support, usually the noncustodial parent."),
    ("Paternity",
     "Legal fatherhood. Paternity must be established, by acknowledgment or by a "
     "court, before a father can be ordered to pay support."),
    ("Payment history",
     "The list of payments received on your case: the date, amount and source of "
     "each, and how it was applied to current support and arrears."),
    ("Review and adjustment",
     "A review of an order to decide whether the support amount should change, for "
     "example after a substantial change in income. Either parent may ask for one."),
    ("Spousal support",
     "Support a court orders one former spouse to pay the other. The agency collects "
     "it only when it is ordered together with child support."),
    ("Support order",
     "A court or administrative order that sets how much support is owed, how often "
     "it is due and when the obligation begins and ends."),
    ("TANF",
     "Temporary Assistance for Needy Families, the federal cash-assistance program. "
     "Families who receive TANF are referred to the child support agency."),
    ("Unemployment benefits withholding",
     "Child support taken from a parent's unemployment benefits when the parent is "
     "out of work, so that payments continue between jobs."),
)  # fmt: skip

# (category, question, answer); position is the index plus one.
FAQ: tuple[tuple[str, str, str], ...] = (
    ("Payments", "How can I make a child support payment?",
     "If you are employed, support is usually withheld from your pay. You can also "
     "pay online by card or bank account from the Make a payment page; each payment "
     "gets a confirmation reference."),
    ("Payments", "Why does my payment show as pending?",
     "A payment is pending until the payment processor confirms it. It is then "
     "posted to your case, usually within one to three business days."),
    ("Payments", "How is my payment applied?",
     "A payment goes first to current support due for the month, then to current "
     "medical and spousal support, then to past-due support owed to the family, then "
     "to past-due support owed to the state, then to interest and fees."),
    ("Payments", "When will I receive the support that was paid?",
     "Payments received for you are usually disbursed within two business days "
     "after they post, by direct deposit, prepaid card or check."),
    ("Payments", "Why was my federal tax refund taken?",
     "When past-due support is owed, a federal tax refund can be offset to pay it. "
     "The offset is applied to your arrears; contact your caseworker with questions."),
    ("Cases", "How do I find my case number?",
     "Your 10-digit case number is on every letter we send you and on the My Cases "
     "page of this portal."),
    ("Cases", "How do I report a new job or a change in income?",
     "Use the Report a change page. Your caseworker reviews the report and, if "
     "needed, sends an income withholding order to your new employer."),
    ("Cases", "Can my support order be changed?",
     "Either parent can ask for a review if circumstances have changed "
     "substantially, such as a change in income or in the children's living "
     "arrangements. Only a court or the agency can change the order."),
    ("Cases", "What happens at a court hearing?",
     "A judge or hearing officer considers the matter listed on your notice. Bring "
     "the notice, proof of income and any documents about your children's expenses."),
    ("Account", "How do I change my e-mail address?",
     "Go to Personal, enter the new address and confirm it with the link we send. "
     "The new address is used once it is confirmed."),
    ("Account", "How do I choose how I get notified?",
     "On the Personal page you can opt in or out of e-mail and text notifications, "
     "separately for payments and for case updates."),
    ("Account", "How do I change how I receive payments?",
     "Obligees can enrol in direct deposit or a prepaid card, or change their "
     "choice, on the How my payments are received page."),
)  # fmt: skip
