"""URL map.

Public pages live under a language prefix (/en/…, /es/…); "/" redirects by the
browser's language. The staff app (/staff/), the accounts pages and the API are not
prefixed: staff choose their language once and keep it.
"""

from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from plainsight.core import views as core_views
from plainsight.directory.api import api as hsds_api  # directory (issue 4)

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    # --- f2-accounts: login, second factor and own account; the Admin area ---------
    path("staff/account/", include("plainsight.accounts.urls")),
    path("staff/admin/", include("plainsight.partners.staff_urls")),
    # --- end f2-accounts ----------------------------------------------------------------
    path("staff/", include("plainsight.core.staff_urls")),
    path("staff/alerts/", include("plainsight.scheduler.urls")),
    # --- directory (issue 4): public, read-only HSDS 3.1 API, not language-prefixed ---
    path("api/hsds/", hsds_api.urls),
    # --- end directory ---
    path("staff/directory/", include("plainsight.directory.upkeep.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("plainsight.core.urls")),
    path("find-help/", include("plainsight.directory.search.urls")),
    path("find-help/", include("plainsight.directory.upkeep.public_urls")),
    prefix_default_language=True,
)

handler404 = core_views.error_404
handler500 = core_views.error_500
