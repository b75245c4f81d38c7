"""Flask's signed-cookie session, without its cost on requests that carry no session cookie.

Flask builds an itsdangerous serializer (key derivation included) on every request before it
looks for the cookie; most requests here (a phone's outbox sending files, tracking, probes,
the service worker's fetches) have none. Same cookie, same signing, same session class:
only the order of the steps changes. Saving likewise: a session that was empty and stayed
unchanged has nothing to write or delete, so nothing about the cookie is worked out for it.
"""

from flask.sessions import SecureCookieSessionInterface


class CookieSession(SecureCookieSessionInterface):
    def open_session(self, app, request):
        # No Cookie header at all (most such requests): not even the header is parsed.
        if app.secret_key and ("HTTP_COOKIE" not in request.environ
                               or not request.cookies.get(self.get_cookie_name(app))):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if not session and not session.modified:
            return  # what Flask's own save_session does for it, after working out the cookie
        super().save_session(app, session, response)
