"""Writes a Flaskblog's site.db with the Flaskblog's own models, Flask-SQLAlchemy and Flask-Bcrypt.

Used when the shared fixture folder has no site.db of its own: it makes the instance its README
describes (4 users, 23 posts, post 6 with HTML in its title and content, bcrypt $2b$12$ hashes,
naive UTC dates with microseconds).

    python make_site_db.py OUT_DIR
"""

import sys
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from flask_bcrypt import Bcrypt
from flask_sqlalchemy import SQLAlchemy

out = Path(sys.argv[1]).resolve()
out.mkdir(parents=True, exist_ok=True)
target = out / "site.db"
if target.exists():
    target.unlink()

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{target}"
db = SQLAlchemy(app)
bcrypt = Bcrypt(app)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(20), unique=True, nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
    image_file = db.Column(db.String(20), nullable=False, default="default.jpg")
    password = db.Column(db.String(60), nullable=False)
    posts = db.relationship("Post", backref="author", lazy=True)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(100), nullable=False)
    date_posted = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)
    content = db.Column(db.Text, nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)


USERS = [
    ("Corey", "C@demo.com", "password", "default.jpg"),
    ("JohnDoe", "jd@demo.com", "testing123", "3f1c2b9a8d7e6f50.jpg"),
    ("jane.smith", "Jane.Smith@Example.com", "correct horse", "a1b2c3d4e5f60718.jpg"),
    ("Zoë", "zoe@example.org", "pässwörd-ü", "default.jpg"),
]

with app.app_context():
    db.create_all()
    users = []
    for username, email, password, picture in USERS:
        hashed = bcrypt.generate_password_hash(password).decode("utf-8")
        user = User(username=username, email=email, password=hashed, image_file=picture)
        db.session.add(user)
        users.append(user)
    db.session.commit()
    start = datetime(2018, 5, 4, 9, 30, 15, 123456)
    for number in range(1, 24):
        author = users[(number - 1) % len(users)]
        if number == 6:
            title = "<b>Bold</b> & <script>alert('title')</script>"
            content = '<img src=x onerror="alert(1)">\n<p>HTML typed into a Flaskblog post</p>'
        else:
            title = f"Blog {number}"
            content = f"Post number {number} by {author.username}.\nA second line."
        date = start + timedelta(days=number, minutes=number * 7, microseconds=number * 1011)
        db.session.add(Post(title=title, content=content, date_posted=date, author=author))
    db.session.commit()
print(target)
