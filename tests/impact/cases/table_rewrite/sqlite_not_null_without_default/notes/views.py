from django.shortcuts import redirect, render

from notes.models import Note


def create_note(request):
    if request.method == "POST":
        Note.objects.create(title=request.POST["title"], body=request.POST.get("body", ""))
        return redirect("notes:index")
    return render(request, "notes/new.html")


def index(request):
    return render(request, "notes/index.html", {"notes": Note.objects.order_by("-created")})
