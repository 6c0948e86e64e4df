"""Offline checks of the deployment files: Dockerfile, docker-compose.yml, nginx/, k8s/.

Tools come from requirements-deploy-check.txt (pip) and Debian's nginx (apt); a test whose
tool is missing skips and says which one.
"""
