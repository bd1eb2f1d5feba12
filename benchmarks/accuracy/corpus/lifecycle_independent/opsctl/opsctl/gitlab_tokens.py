from datetime import date, timedelta

import gitlab


def connect(url: str, token: str) -> gitlab.Gitlab:
    gl = gitlab.Gitlab(url, private_token=token)
    gl.auth()
    return gl


def create_bot_token(gl: gitlab.Gitlab, username: str) -> str:
    user = gl.users.list(username=username)[0]
    token = user.personal_access_tokens.create({"name": "release-bot", "scopes": ["api", "write_repository"]})
    return token.token


def create_ci_project_token(gl: gitlab.Gitlab, project_path: str) -> str:
    project = gl.projects.get(project_path)
    token = project.access_tokens.create(
        {
            "name": "ci-deploy",
            "scopes": ["read_registry", "read_repository"],
            "access_level": 20,
            "expires_at": (date.today() + timedelta(days=30)).isoformat(),
        }
    )
    return token.token


def create_mirror_token(gl: gitlab.Gitlab, group_path: str) -> str:
    group = gl.groups.get(group_path)
    token = group.access_tokens.create(
        {
            "name": "mirror-sync",
            "scopes": ["read_repository"],
            "access_level": 10,
            "expires_at": "2099-12-31",
        }
    )
    return token.token
