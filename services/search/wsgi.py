from services.search.app import create_app

app = create_app()
