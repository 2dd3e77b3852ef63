from accounts.models import Account


def account_for_plan(plan):
    return Account.objects.filter(plan=plan).values_list("id", "name")
