// Boost.Beast and Asio as the two halves of vigil::http name them: the headers both include, and
// short names for their namespaces (`bhttp`, so it is not taken for vigil::http). Private to
// http/.
#pragma once

#include <openssl/ssl.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace vigil::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

}  // namespace vigil::http
