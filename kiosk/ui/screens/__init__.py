"""The kiosk's screens, one ``.py`` + ``.kv`` pair each, in the order the ScreenManager holds them."""
from kiosk.ui.screens.attract import AttractScreen
from kiosk.ui.screens.diagnostics import DiagnosticsScreen
from kiosk.ui.screens.initiative import InitiativeScreen
from kiosk.ui.screens.initiatives import InitiativesScreen
from kiosk.ui.screens.pin import PinScreen
from kiosk.ui.screens.results import ResultsScreen
from kiosk.ui.screens.suggest import SuggestScreen
from kiosk.ui.screens.thanks import ThanksScreen

SCREENS = (AttractScreen, InitiativesScreen, InitiativeScreen, SuggestScreen, ThanksScreen, ResultsScreen,
           PinScreen, DiagnosticsScreen)
