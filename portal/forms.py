from django import forms

from portal.models import Post


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["kind", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
