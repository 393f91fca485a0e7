from kizuna.cli import main_exit

main_exit()
