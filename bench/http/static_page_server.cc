// Serves one fixed HTML page of --bytes bytes on --port with ocoptrace's
// HttpServer: the framework's own ceiling, measured beside nginx serving the
// same bytes (bench/http/run.sh).
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "server/http/http_server.h"

int main(int argc, char** argv) {
  int port = 18080;
  size_t bytes = 6000;
  int threads = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--port") port = std::stoi(argv[i + 1]);
    if (flag == "--bytes") bytes = std::stoul(argv[i + 1]);
    if (flag == "--threads") threads = std::stoi(argv[i + 1]);
  }
  std::string page = "<!doctype html><html><body>";
  page.resize(bytes - 14, 'x');
  page += "</body></html>";
  ocoptrace::http::HttpServerOptions options;
  options.port = static_cast<uint16_t>(port);
  options.threads = threads;
  auto server = ocoptrace::http::HttpServer::Start(
      options, [&page](ocoptrace::http::Request, ocoptrace::http::Respond r) {
        ocoptrace::http::Response response;
        response.content_type = "text/html; charset=utf-8";
        response.body = page;
        r(std::move(response));
      });
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  std::printf("listening on %d\n", (*server)->port());
  std::fflush(stdout);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int signal_number;
  sigwait(&set, &signal_number);
  return 0;
}
