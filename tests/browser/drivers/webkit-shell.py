#!/usr/bin/python3
"""A WebKitGTK browser for WebKitWebDriver, with a persistent, quota-limited store.

WebKitWebDriver launches the binary its session names (with
WEBKIT_INSPECTOR_SERVER set) and drives it through WebKit's automation.
MiniBrowser's automation mode keeps storage in memory, where WebKit
enforces no quota; this shell keeps each session's storage in a data
directory of its own and limits an origin's share of it, so that a page
that fills it gets the quota errors a user's browser gives.

    webkit-shell.py --data-dir DIR --origin-quota BYTES [--proxy URL]
                    [--ignore-hosts H1,H2] [--ignore-tls-errors]
"""

import argparse
import os
import signal
import sys

import gi

gi.require_version('Gtk', '3.0')
gi.require_version('WebKit2', '4.1')
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument('--data-dir', required=True)
    p.add_argument('--origin-quota', type=int, required=True, help='bytes an origin may store')
    p.add_argument('--proxy')
    p.add_argument('--ignore-hosts', default='')
    p.add_argument('--ignore-tls-errors', action='store_true')
    return p.parse_args()


def data_manager(args):
    os.makedirs(args.data_dir, exist_ok=True)
    # WebKit sizes quotas as a fraction of the data directory's volume.
    st = os.statvfs(args.data_dir)
    ratio = min(1.0, args.origin_quota / (st.f_blocks * st.f_frsize))
    manager = WebKit2.WebsiteDataManager(
        base_data_directory=os.path.join(args.data_dir, 'data'),
        base_cache_directory=os.path.join(args.data_dir, 'cache'),
        origin_storage_ratio=ratio,
        total_storage_ratio=min(1.0, 4 * ratio),
    )
    if args.ignore_tls_errors:
        manager.set_tls_errors_policy(WebKit2.TLSErrorsPolicy.IGNORE)
    if args.proxy:
        hosts = [h for h in args.ignore_hosts.split(',') if h]
        settings = WebKit2.NetworkProxySettings.new(args.proxy, hosts)
        manager.set_network_proxy_settings(WebKit2.NetworkProxyMode.CUSTOM, settings)
    return manager


class Shell:
    def __init__(self, args):
        self.context = WebKit2.WebContext(website_data_manager=data_manager(args))
        self.context.set_automation_allowed(True)
        self.context.connect('automation-started', self.automation_started)
        self.windows = 0

    def automation_started(self, _context, session):
        info = WebKit2.ApplicationInfo()
        info.set_name('webkit-shell')
        info.set_version(WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version())
        session.set_application_info(info)
        session.connect('create-web-view', lambda _session: self.new_view())

    def new_view(self, related=None):
        if related is None:
            view = WebKit2.WebView(web_context=self.context, is_controlled_by_automation=True)
        else:
            view = WebKit2.WebView(related_view=related, is_controlled_by_automation=True)
        # Scripts open windows without a click, as under other drivers.
        view.get_settings().set_javascript_can_open_windows_automatically(True)
        window = Gtk.Window()
        window.set_default_size(1024, 768)
        window.add(view)
        self.windows += 1
        window.connect('destroy', self.window_destroyed)
        view.connect('close', lambda _view: window.destroy())
        # window.open: a window of its own, shown once WebKit has set it up.
        view.connect('create', lambda v, _action: self.new_view(related=v))
        view.connect('ready-to-show', lambda _view: window.show_all())
        if related is None:
            window.show_all()
        return view

    def window_destroyed(self, _window):
        self.windows -= 1
        if self.windows == 0:
            Gtk.main_quit()


def main():
    args = parse_args()
    Gtk.init(sys.argv[:1])
    Shell(args)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, Gtk.main_quit)
    Gtk.main()


if __name__ == '__main__':
    main()
